import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { stripeFor } from './helpers.js';

describe('Stripe emulator: lists and pagination', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  /** Ids in creation order (oldest first). */
  let createdIds: string[];

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
    createdIds = [];
    // Sequential, so creation order is well defined even within one second.
    for (let i = 0; i < 25; i += 1) {
      const customer = await stripe.customers.create({
        name: `Customer ${i}`,
        email: i % 5 === 0 ? 'shared@example.com' : `c${i}@example.com`,
      });
      createdIds.push(customer.id);
    }
  });
  afterAll(() => emulator.close());

  const newestFirst = () => [...createdIds].reverse();

  it('auto-paginates over every customer, newest first, one request per page', async () => {
    const logBefore = emulator.requestLog().length;
    const seen: string[] = [];

    for await (const customer of stripe.customers.list({ limit: 10 })) seen.push(customer.id);

    expect(seen).toEqual(newestFirst());
    const listCalls = emulator.requestLog().slice(logBefore);
    expect(listCalls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual(
      Array(3).fill('GET /v1/customers 200'),
    );
  });

  it('supports autoPagingToArray', async () => {
    const all = await stripe.customers.list({ limit: 7 }).autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.id)).toEqual(newestFirst());
  });

  it('returns Stripe list envelopes with has_more and cursors in both directions', async () => {
    const first = await stripe.customers.list({ limit: 10 });
    expect(first).toMatchObject({ object: 'list', url: '/v1/customers', has_more: true });
    expect(first.data.map((c) => c.id)).toEqual(newestFirst().slice(0, 10));

    const second = await stripe.customers.list({ limit: 10, starting_after: first.data[9]?.id });
    expect(second.data.map((c) => c.id)).toEqual(newestFirst().slice(10, 20));

    const last = await stripe.customers.list({ limit: 10, starting_after: second.data[9]?.id });
    expect(last.data.map((c) => c.id)).toEqual(newestFirst().slice(20));
    expect(last.has_more).toBe(false);

    // ending_before gives the page just before the cursor (still newest first).
    const back = await stripe.customers.list({ limit: 10, ending_before: second.data[0]?.id });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst().slice(0, 10));
    expect(back.has_more).toBe(false);
    const backPartial = await stripe.customers.list({ limit: 3, ending_before: second.data[0]?.id });
    expect(backPartial.data.map((c) => c.id)).toEqual(newestFirst().slice(7, 10));
    expect(backPartial.has_more).toBe(true);
  });

  it('auto-paginates backwards from an ending_before cursor', async () => {
    const seen: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 4, ending_before: createdIds[10] })) {
      seen.push(customer.id);
    }
    // stripe-node walks towards newer objects, starting next to the cursor.
    expect(seen).toEqual(createdIds.slice(11));
  });

  it('defaults to 10 per page and validates limit', async () => {
    const page = await stripe.customers.list();
    expect(page.data).toHaveLength(10);

    await expect(stripe.customers.list({ limit: 0 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
    await expect(stripe.customers.list({ limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
  });

  it('filters by exact email', async () => {
    const shared = await stripe.customers.list({ email: 'shared@example.com', limit: 100 });
    expect(shared.data.map((c) => c.id)).toEqual(newestFirst().filter((_, i) => (24 - i) % 5 === 0));
    expect(shared.data).toHaveLength(5);

    const none = await stripe.customers.list({ email: 'SHARED@example.com' });
    expect(none.data).toEqual([]);
  });

  it('rejects a cursor that names no object', async () => {
    await expect(stripe.customers.list({ starting_after: 'cus_nope' })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'starting_after',
    });
  });

  it('lists events newest first, filtered by type, and retrieves one by id', async () => {
    const target = createdIds[3] ?? '';
    await stripe.customers.update(target, { name: 'Renamed' });

    const all = await stripe.events.list({ limit: 100 });
    expect(all.data).toHaveLength(26);
    expect(all.data[0]).toMatchObject({ type: 'customer.updated', data: { object: { id: target } } });
    expect(all.data.slice(1).map((e) => e.data.object)).toEqual(
      newestFirst().map((id) => expect.objectContaining({ id })),
    );

    const updates = await stripe.events.list({ type: 'customer.updated' });
    expect(updates.data.map((e) => e.type)).toEqual(['customer.updated']);
    const wildcard = await stripe.events.list({ type: 'customer.*', limit: 100 });
    expect(wildcard.data).toHaveLength(26);

    const eventIds: string[] = [];
    for await (const event of stripe.events.list({ limit: 10, type: 'customer.created' })) eventIds.push(event.id);
    expect(eventIds).toHaveLength(25);

    const one = await stripe.events.retrieve(updates.data[0]?.id ?? '');
    expect(one).toMatchObject({ object: 'event', type: 'customer.updated', livemode: false });
  });
});
