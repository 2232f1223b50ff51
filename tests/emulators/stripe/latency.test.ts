import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';

describe('Stripe emulator: latencyMs', () => {
  let emulator: StripeEmulator;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ apiKey: 'sk_test_latency', latencyMs: 80 });
  });
  afterAll(() => emulator.close());

  const timed = async (path: string, init: RequestInit = {}) => {
    const started = performance.now();
    const res = await fetch(`${emulator.url}${path}`, init);
    await res.text();
    return { status: res.status, ms: performance.now() - started };
  };

  it('answers every API call after the configured response time, and control calls at once', async () => {
    const auth = { authorization: 'Bearer sk_test_latency' };
    const create = await timed('/v1/customers', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Slow',
    });
    const list = await timed('/v1/customers', { headers: auth });
    const control = await timed('/_emulator/health');

    expect(create).toEqual({ status: 200, ms: expect.any(Number) });
    expect(create.ms).toBeGreaterThanOrEqual(75);
    expect(list.ms).toBeGreaterThanOrEqual(75);
    expect(control.status).toBe(200);
    expect(control.ms).toBeLessThan(75);
    expect(emulator.customers().map((c) => c.name)).toEqual(['Slow']);
  });

  it('refuses a negative latency', async () => {
    await expect(startStripeEmulator({ latencyMs: -1 })).rejects.toThrow('latencyMs must be a non-negative number');
  });
});
