import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { stripeFor } from './helpers.js';

describe('Stripe emulator: customers through stripe-node', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('creates and retrieves a customer with Stripe-shaped fields', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await stripe.customers.create({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      description: 'first customer',
      phone: '+44 20 7946 0000',
      metadata: { internal_id: '42', source: 'catalog' },
    });

    expect(created).toMatchObject({
      object: 'customer',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      description: 'first customer',
      phone: '+44 20 7946 0000',
      metadata: { internal_id: '42', source: 'catalog' },
      livemode: false,
      balance: 0,
      address: null,
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created.created).toBeGreaterThanOrEqual(before);
    expect(created.lastResponse.requestId).toMatch(/^req_/);

    const fetched = await stripe.customers.retrieve(created.id);
    expect(fetched).toEqual(created);
    expect(emulator.customers()).toEqual([created]);
  });

  it('merges metadata on update: new keys are added, empty values delete keys, others are kept', async () => {
    const { id } = await stripe.customers.create({ name: 'Old', metadata: { a: '1', b: '2' } });

    const updated = await stripe.customers.update(id, { name: 'New', metadata: { b: '', c: '3' } });

    expect(updated.name).toBe('New');
    expect(updated.metadata).toEqual({ a: '1', c: '3' });
    expect(emulator.customers()[0]?.metadata).toEqual({ a: '1', c: '3' });
  });

  it('unsets a field posted as an empty string and clears all metadata when metadata itself is empty', async () => {
    const { id } = await stripe.customers.create({ email: 'x@example.com', metadata: { a: '1', b: '2' } });

    const updated = await stripe.customers.update(id, { email: '', metadata: '' });

    expect(updated.email).toBeNull();
    expect(updated.metadata).toEqual({});
  });

  it('deletes a customer and keeps answering GETs for it with a deleted stub', async () => {
    const { id } = await stripe.customers.create({ name: 'Gone soon' });

    const deleted = await stripe.customers.del(id);
    expect(deleted).toEqual({ id, object: 'customer', deleted: true });

    const fetched = await stripe.customers.retrieve(id);
    expect(fetched).toEqual({ id, object: 'customer', deleted: true });
    expect(emulator.customers()).toEqual([]);

    await expect(stripe.customers.update(id, { name: 'zombie' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(stripe.customers.del(id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('surfaces an unknown id as StripeInvalidRequestError with code resource_missing', async () => {
    const error = await stripe.customers.retrieve('cus_doesnotexist0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_doesnotexist0'",
    });
  });

  it('rejects unknown parameters with parameter_unknown instead of ignoring them', async () => {
    const params = { name: 'x', nmae: 'typo' } as Stripe.CustomerCreateParams;

    await expect(stripe.customers.create(params)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'nmae',
    });
    expect(emulator.customers()).toEqual([]);
  });

  it('rejects malformed emails with email_invalid', async () => {
    await expect(stripe.customers.create({ email: 'not-an-email' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'email_invalid',
      param: 'email',
    });
  });

  it('enforces metadata limits (key length)', async () => {
    await expect(stripe.customers.create({ metadata: { ['k'.repeat(41)]: 'v' } })).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
    });
  });

  it('echoes the Stripe-Version the client sent', async () => {
    const pinned = new Stripe('sk_test_emulator', {
      host: '127.0.0.1',
      port: emulator.port,
      protocol: 'http',
      apiVersion: '2025-01-27.acacia' as Stripe.LatestApiVersion,
    });
    const customer = await pinned.customers.create({ name: 'versioned' });
    expect(customer.lastResponse.apiVersion).toBe('2025-01-27.acacia');
  });
});
