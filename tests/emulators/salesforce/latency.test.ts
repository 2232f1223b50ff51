import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect } from './support.js';

describe('Salesforce emulator: latencyMs', () => {
  let emulator: SalesforceEmulator;

  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ latencyMs: 80 });
  });
  afterAll(() => emulator.close());

  it('answers every request to the org after the configured response time, and control calls at once', async () => {
    let started = performance.now();
    const conn = await connect(emulator);
    const tokenMs = performance.now() - started;

    started = performance.now();
    const created = await conn.sobject('Contact').create({ LastName: 'Slow' });
    const createMs = performance.now() - started;

    started = performance.now();
    const res = await fetch(`${emulator.url}/_emulator/contacts`);
    await res.json();
    const controlMs = performance.now() - started;

    expect(created.success).toBe(true);
    expect(tokenMs).toBeGreaterThanOrEqual(75);
    expect(createMs).toBeGreaterThanOrEqual(75);
    expect(controlMs).toBeLessThan(75);
    expect(conn.version).toBe(API_VERSION);
  });

  it('refuses a negative latency', async () => {
    await expect(startSalesforceEmulator({ latencyMs: -1 })).rejects.toThrow('latencyMs must be a non-negative number');
  });
});
