import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { AUTH, rawRequest, stripeFor } from './helpers.js';

describe('Stripe emulator: idempotent requests', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('replays the stored response for the same key and parameters, without a second side effect', async () => {
    const params = { name: 'Once', metadata: { internal_id: '7' } };

    const first = await stripe.customers.create(params, { idempotencyKey: 'create-7' });
    const second = await stripe.customers.create(params, { idempotencyKey: 'create-7' });

    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(second.lastResponse.idempotencyKey).toBe('create-7');
    expect(emulator.requestLog()).toEqual([
      {
        method: 'POST',
        path: '/v1/customers',
        idempotencyKey: 'create-7',
        status: 200,
        receivedAt: expect.any(Number),
      },
      {
        method: 'POST',
        path: '/v1/customers',
        idempotencyKey: 'create-7',
        status: 200,
        replayed: true,
        receivedAt: expect.any(Number),
      },
    ]);
    expect(emulator.customers()).toHaveLength(1);
    expect((await stripe.events.list()).data).toHaveLength(1);
  });

  it('answers idempotency_error when a key is reused with different parameters', async () => {
    await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'reused' });

    const error = await stripe.customers.create({ name: 'B' }, { idempotencyKey: 'reused' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect(emulator.customers().map((c) => c.name)).toEqual(['A']);
  });

  it('treats the same key on a different endpoint as a mismatch', async () => {
    const { id } = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'k' });
    await expect(stripe.customers.update(id, { name: 'A' }, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
  });

  it('does not store validation failures, so a corrected request may reuse the key', async () => {
    const bad = { name: 'x', bogus: '1' } as Stripe.CustomerCreateParams;
    await expect(stripe.customers.create(bad, { idempotencyKey: 'fix-me' })).rejects.toMatchObject({
      code: 'parameter_unknown',
    });

    const fixed = await stripe.customers.create({ name: 'x' }, { idempotencyKey: 'fix-me' });
    expect(fixed.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores errors raised by the endpoint itself (a missing customer) and replays them', async () => {
    const first = await rawRequest(emulator, 'POST', '/v1/customers/cus_missing', {
      body: 'name=x',
      headers: { ...AUTH, 'Idempotency-Key': 'missing' },
    });
    const again = await rawRequest(emulator, 'POST', '/v1/customers/cus_missing', {
      body: 'name=x',
      headers: { ...AUTH, 'Idempotency-Key': 'missing' },
    });

    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('original-request')).toBe(first.headers.get('request-id'));
  });

  it('records the key stripe-node adds to every POST (stripe-node-retry-<uuid>) and copies it onto the event', async () => {
    const customer = await stripe.customers.create({ name: 'auto key' });

    const [entry] = emulator.requestLog();
    expect(entry?.idempotencyKey).toMatch(/^stripe-node-retry-[0-9a-f-]{36}$/);
    const [event] = (await stripe.events.list()).data;
    expect(event?.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: entry?.idempotencyKey });
    expect(event?.data.object).toMatchObject({ id: customer.id });
  });

  it('lets a stripe-node retry after an injected 500 run for real, exactly once', async () => {
    const retrying = stripeFor(emulator, { maxNetworkRetries: 2 });
    emulator.injectFaults({ status: 500, count: 1, path: '/v1/customers' });

    const customer = await retrying.customers.create({ name: 'after outage' }, { idempotencyKey: 'outage-1' });

    expect(customer.name).toBe('after outage');
    expect(emulator.requestLog().map((e) => [e.status, e.idempotencyKey])).toEqual([
      [500, 'outage-1'],
      [200, 'outage-1'],
    ]);
    expect(emulator.customers()).toHaveLength(1);
  });

  it('ignores Idempotency-Key on DELETE, like Stripe', async () => {
    const { id } = await stripe.customers.create({ name: 'del' });
    const response = await rawRequest(emulator, 'DELETE', `/v1/customers/${id}`, {
      headers: { ...AUTH, 'Idempotency-Key': 'del-key' },
    });
    expect(response.json).toEqual({ id, object: 'customer', deleted: true });
    const [deletedEvent] = (await stripe.events.list({ type: 'customer.deleted' })).data;
    expect(deletedEvent?.request?.idempotency_key).toBeNull();
  });
});
