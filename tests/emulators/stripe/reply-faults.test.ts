import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { expectEventually } from '../../support/eventually.js';
import { stripeFor } from './helpers.js';

/** Tracks whether a promise has settled, to assert that a held reply has not arrived yet. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const settle = () => {
    done = true;
  };
  promise.then(settle, settle);
  return { promise, settled: () => done };
}

async function control(emulator: StripeEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined && { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('Stripe emulator: faults on replies (phase after, dropConnection, hold, method)', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  /** A second client: "a person in the Dashboard" acting while our reply is held. */
  let dashboard: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
    dashboard = stripeFor(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('after-phase status: the create is applied, the reply lost, and a same-key retry replays the success', async () => {
    emulator.injectFaults({ phase: 'after', status: 500, count: 1, method: 'POST', path: '/v1/customers$' });

    const error = await stripe.customers.create({ name: 'Lost reply' }, { idempotencyKey: 'k-1' }).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500 });
    const [applied] = emulator.customers();
    expect(applied).toMatchObject({ name: 'Lost reply' });

    const retried = await stripe.customers.create({ name: 'Lost reply' }, { idempotencyKey: 'k-1' });
    expect(retried.id).toBe(applied?.id);
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(emulator.customers()).toHaveLength(1);
    expect(emulator.requestLog().map((e) => [e.status, e.replayed ?? false])).toEqual([
      [500, false],
      [200, true],
    ]);
    expect((await stripe.events.list()).data.map((e) => e.type)).toEqual(['customer.created']);
  });

  it("after-phase 5xx: stripe-node's own retry gets the stored success, not a second customer", async () => {
    const retrying = stripeFor(emulator, { maxNetworkRetries: 1 });
    emulator.injectFaults({ phase: 'after', status: 503, count: 1, method: 'POST' });

    const customer = await retrying.customers.create({ name: 'Once' });

    expect(emulator.customers().map((c) => c.id)).toEqual([customer.id]);
    expect(emulator.requestLog().map((e) => e.status)).toEqual([503, 200]);
  });

  it('dropConnection after the call: stripe-node retries once by itself and gets the replayed success', async () => {
    // stripe-node retries a closed connection once even with maxNetworkRetries: 0, with the same idempotency key.
    emulator.injectFaults({ phase: 'after', dropConnection: true, count: 1, method: 'POST' });

    const customer = await stripe.customers.create({ name: 'Dropped once' });

    expect(emulator.customers().map((c) => c.id)).toEqual([customer.id]);
    expect(emulator.requestLog().map((e) => [e.status, e.replayed ?? false])).toEqual([
      [0, false],
      [200, true],
    ]);
  });

  it('dropConnection after the call, twice: the client sees a network error, the change is applied', async () => {
    const existing = await stripe.customers.create({ name: 'Before' });
    emulator.injectFaults({ phase: 'after', dropConnection: true, count: 2, method: 'POST' });

    const error = await stripe.customers.update(existing.id, { name: 'After' }).catch((e) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(emulator.customers()).toEqual([expect.objectContaining({ id: existing.id, name: 'After' })]);
    expect(emulator.requestLog().map((e) => e.status)).toEqual([200, 0, 0]);
  });

  it('dropConnection before the call: a network error and nothing applied', async () => {
    emulator.injectFaults({ dropConnection: true, count: 2 });

    await expect(stripe.customers.create({ name: 'Never' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeConnectionError,
    );
    expect(emulator.customers()).toEqual([]);
  });

  it('hold: the create is visible and editable at once, its reply waits for release()', async () => {
    emulator.injectFaults({ hold: 'create', count: 1, method: 'POST', path: '/v1/customers$' });

    const pending = track(stripe.customers.create({ name: 'Held', email: 'held@example.com' }));
    await expectEventually(() => expect(emulator.held()).toHaveLength(1));
    expect(emulator.held()).toEqual([
      { hold: 'create', method: 'POST', path: '/v1/customers', since: expect.stringMatching(/^\d{4}-.+Z$/) },
    ]);

    // During the hold: the customer and its event exist, and a second client can change it.
    const [listed] = (await dashboard.customers.list({ email: 'held@example.com' })).data;
    expect(listed).toMatchObject({ name: 'Held' });
    await dashboard.customers.update(listed?.id ?? '', { name: 'Renamed in the Dashboard' });
    expect((await dashboard.events.list()).data.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect(pending.settled()).toBe(false);

    expect(emulator.release('other-gate')).toBe(0);
    expect(emulator.release('create')).toBe(1);
    // The reply is the one computed when the create was applied.
    await expect(pending.promise).resolves.toMatchObject({ id: listed?.id, name: 'Held' });
    expect(emulator.held()).toEqual([]);
    expect(emulator.customers()).toEqual([expect.objectContaining({ name: 'Renamed in the Dashboard' })]);
  });

  it('hold with status: released, then answered with the error while the change stays applied', async () => {
    emulator.injectFaults({ hold: 'gate', status: 502, count: 1, method: 'POST' });

    const pending = stripe.customers.create({ name: 'Held then lost' }).catch((e) => e);
    await expectEventually(() => expect(emulator.held()).toHaveLength(1));
    emulator.release();

    expect(await pending).toMatchObject({ statusCode: 502 });
    expect(emulator.customers()).toEqual([expect.objectContaining({ name: 'Held then lost' })]);
  });

  it('reset() answers held replies and keeps them out of the new request log', async () => {
    emulator.injectFaults({ hold: 'gate', count: 1 });
    const pending = stripe.customers.list();
    await expectEventually(() => expect(emulator.held()).toHaveLength(1));

    emulator.reset();

    await expect(pending).resolves.toMatchObject({ object: 'list' });
    expect(emulator.held()).toEqual([]);
    expect(emulator.requestLog()).toEqual([]);
  });

  it('close() answers held replies instead of hanging', async () => {
    const other = await startStripeEmulator();
    other.injectFaults({ hold: 'gate', count: 1 });
    const pending = stripeFor(other).customers.create({ name: 'Closing' });
    await expectEventually(() => expect(other.held()).toHaveLength(1));

    await other.close();

    await expect(pending).resolves.toMatchObject({ name: 'Closing' });
  });

  it('method filters faults (case-insensitive), and the first matching rule wins', async () => {
    const customer = await stripe.customers.create({ name: 'Target' });
    emulator.injectFaults({ status: 404, count: 1, method: 'delete' });
    emulator.injectFaults({ status: 500, count: 1, path: '/v1/customers/' });

    await expect(stripe.customers.del(customer.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
    await expect(stripe.customers.retrieve(customer.id)).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.customers.del(customer.id)).resolves.toMatchObject({ deleted: true });
  });

  it('a trailing $ in path singles out create from update', async () => {
    const customer = await stripe.customers.create({ name: 'Existing' });
    emulator.injectFaults({ status: 500, count: 1, method: 'POST', path: '/v1/customers$' });

    await expect(stripe.customers.update(customer.id, { name: 'Updated' })).resolves.toMatchObject({
      name: 'Updated',
    });
    await expect(stripe.customers.create({ name: 'New' })).rejects.toMatchObject({ statusCode: 500 });
  });

  it('holds and releases over the control endpoints', async () => {
    expect(await control(emulator, 'POST', 'faults', { hold: 'http', count: 1, method: 'POST' })).toEqual({
      status: 200,
      json: { ok: true },
    });
    const pending = stripe.customers.create({ name: 'Over HTTP' });
    await expectEventually(() => expect(emulator.held()).toHaveLength(1));

    const held = await control(emulator, 'GET', 'held');
    expect(held).toEqual({ status: 200, json: { data: emulator.held() } });
    expect(await control(emulator, 'POST', 'release', { hold: 'http' })).toEqual({
      status: 200,
      json: { released: 1 },
    });
    await expect(pending).resolves.toMatchObject({ name: 'Over HTTP' });
    expect(await control(emulator, 'POST', 'release', {})).toEqual({ status: 200, json: { released: 0 } });
  });

  it('rejects invalid new fault fields with 400 and clear messages', async () => {
    const invalid: Array<[Record<string, unknown>, RegExp]> = [
      [{ count: 1, status: 500, phase: 'during' }, /phase/],
      [{ count: 1, hold: '' }, /hold/],
      [{ count: 1, hold: 7 }, /hold must be a string/],
      [{ count: 1, hold: 'g', phase: 'before' }, /after the call is applied/],
      [{ count: 1, status: 500, method: 42 }, /method must be a string/],
      [{ count: 1, status: 500, method: 'PO ST' }, /HTTP method/],
      [{ count: 1, dropConnection: 'yes' }, /dropConnection must be a boolean/],
      [{ count: 1, dropConnection: true, status: 500 }, /both answer a status and drop/],
      [{ count: 1, phase: 'after' }, /needs a status/],
    ];
    for (const [body, message] of invalid) {
      const response = await control(emulator, 'POST', 'faults', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect((response.json.error as { message: string }).message).toMatch(message);
    }
    expect((await control(emulator, 'POST', 'release', { hold: 1 })).status).toBe(400);
    expect(() => emulator.injectFaults({ count: 1, hold: 'g', phase: 'before' })).toThrow(/phase/);
  });
});
