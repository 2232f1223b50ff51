import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { expectEventually } from '../../support/eventually.js';
import {
  acceptedEvents,
  AUTH,
  eventOf,
  inCreationOrder,
  rawRequest,
  startWebhookReceiver,
  stripeFor,
  type WebhookReceiver,
} from './helpers.js';

const SECRET = 'whsec_test_secret';
/** Stripe's schedule, in milliseconds instead of minutes: the same shape, fast enough for tests. */
const FAST = { webhookRetry: { initialBackoffMs: 20, maxBackoffMs: 100 }, webhookJitterMs: 20 };

describe('Stripe emulator: webhooks', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: WebhookReceiver;
  const diagnostics: string[] = [];

  beforeAll(async () => {
    emulator = await startStripeEmulator({ ...FAST, webhookSecret: SECRET, log: (line) => diagnostics.push(line) });
    stripe = stripeFor(emulator);
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    emulator.setWebhookUrl(receiver.url);
  });
  afterEach(async () => {
    emulator.reset();
    await receiver.close();
  });
  afterAll(() => emulator.close());

  function verify(delivery: { rawBody: string; signature: string | undefined }): Stripe.Event {
    return stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature ?? '', SECRET);
  }

  it('sends signed created/updated/deleted events, which constructEvent accepts', async () => {
    const customer = await stripe.customers.create(
      { name: 'Ada', email: 'ada@example.com', metadata: { internal_id: '1' } },
      { idempotencyKey: 'sync-create-1' },
    );
    await stripe.customers.update(
      customer.id,
      { name: 'Ada Lovelace', metadata: { tier: 'gold' } },
      { idempotencyKey: 'sync-update-1' },
    );
    await stripe.customers.del(customer.id);

    await expectEventually(() => receiver.received.length === 3);
    // Delivered in no guaranteed order: compared in the order Stripe created them.
    const events = await inCreationOrder(stripe, receiver.received.map(verify));

    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(events.map((e) => e.request?.idempotency_key)).toEqual(['sync-create-1', 'sync-update-1', null]);
    for (const event of events) {
      expect(event).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1 });
      expect(event.id).toMatch(/^evt_/);
      expect(event.request?.id).toMatch(/^req_/);
      expect(event.data.object).toMatchObject({ id: customer.id, object: 'customer' });
    }
    expect(events[0]?.data.object).toMatchObject({ name: 'Ada', metadata: { internal_id: '1' } });
    expect(events[0]?.data.previous_attributes).toBeUndefined();
    expect(events[1]?.data.object).toMatchObject({
      name: 'Ada Lovelace',
      metadata: { internal_id: '1', tier: 'gold' },
    });
    expect(events[1]?.data.previous_attributes).toEqual({ name: 'Ada', metadata: { tier: null } });
    expect(emulator.deliveredEvents().map((e) => e.id)).toEqual(receiver.received.map((r) => eventOf(r).id));
  });

  it('signs with t=<unix>,v1=<hex> so that a tampered body or another secret is rejected', async () => {
    await stripe.customers.create({ name: 'Signed' });
    await expectEventually(() => receiver.received.length === 1);
    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery');

    expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(delivery).type).toBe('customer.created');

    const tampered = { ...delivery, rawBody: delivery.rawBody.replace('Signed', 'Forged') };
    expect(() => verify(tampered)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature ?? '', 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('retries a failing event on its own schedule while a later event goes straight through', async () => {
    const nameOf = (event: Stripe.Event) => (event.data.object as Stripe.Customer).name;
    // "First" is refused until "Second" has been accepted: one queue would deadlock here, Stripe does not.
    receiver.answerWith((event) =>
      nameOf(event) === 'First' && !acceptedEvents(receiver).some((e) => nameOf(e) === 'Second') ? 500 : 200,
    );

    const first = await stripe.customers.create({ name: 'First' });
    await expectEventually(() => receiver.received.filter((r) => r.status === 500).length >= 2);
    const second = await stripe.customers.create({ name: 'Second' });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    expect(acceptedEvents(receiver).map((e) => (e.data.object as Stripe.Customer).id)).toEqual([second.id, first.id]);
    const attempts = receiver.received.map((r) => [(eventOf(r).data.object as Stripe.Customer).id, r.status]);
    expect(attempts.filter(([id]) => id === second.id)).toEqual([[second.id, 200]]);
    expect(attempts.filter(([id]) => id === first.id).at(-1)).toEqual([first.id, 200]);
    // Every attempt carries a valid signature.
    for (const delivery of receiver.received) expect(() => verify(delivery)).not.toThrow();
  });

  it('retries after a network error, reading the webhook URL again at each attempt', async () => {
    const deadUrl = await unusedLocalUrl();
    emulator.setWebhookUrl(deadUrl);
    diagnostics.length = 0;

    await stripe.customers.create({ name: 'Eventually delivered' });
    await expectEventually(() => diagnostics.some((line) => line.includes('attempt 1')));
    emulator.setWebhookUrl(receiver.url);

    await expectEventually(() => emulator.deliveredEvents().length === 1);
    expect(acceptedEvents(receiver).map((e) => e.type)).toEqual(['customer.created']);
  });

  it('retries with capped backoff well past five attempts, and gives up once the event is older than maxAgeMs', async () => {
    const lines: string[] = [];
    const quick = await startStripeEmulator({
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      webhookRetry: { initialBackoffMs: 10, maxBackoffMs: 20, maxAgeMs: 400 },
      webhookJitterMs: 0,
      log: (line) => lines.push(line),
    });
    try {
      receiver.answerWith((event) => ((event.data.object as Stripe.Customer).name === 'Lost' ? 500 : 200));
      const client = stripeFor(quick);
      const lost = await client.customers.create({ name: 'Lost' });
      await expectEventually(() => lines.some((line) => line.includes('given up')));
      const tries = () => receiver.received.filter((r) => (eventOf(r).data.object as { id: string }).id === lost.id);
      const given = tries();
      // 10, 20, 20, ... ms apart for 400 ms: far more than the old five attempts, none past the age limit.
      expect(given.length).toBeGreaterThan(10);
      expect(given.every((r) => r.status === 500)).toBe(true);
      // (An attempt is sent at most 400 ms after the event was made; allow for its trip to the receiver.)
      expect(given.at(-1)!.at - given[0]!.at).toBeLessThan(400 + 100);
      expect(quick.pendingWebhooks()).toEqual([]);

      // Nothing more for it: a later event is delivered, the lost one is not tried again.
      const kept = await client.customers.create({ name: 'Kept' });
      await expectEventually(() => quick.deliveredEvents().length === 1);
      expect(quick.deliveredEvents()[0]?.data.object.id).toBe(kept.id);
      expect(tries()).toHaveLength(given.length);
    } finally {
      await quick.close();
    }
  });

  it('counts an attempt that gets no answer within attemptTimeoutMs as failed, and retries it', async () => {
    const lines: string[] = [];
    const quick = await startStripeEmulator({
      webhookUrl: receiver.url,
      webhookRetry: { initialBackoffMs: 10, attemptTimeoutMs: 100 },
      webhookJitterMs: 0,
      log: (line) => lines.push(line),
    });
    try {
      let attempts = 0;
      receiver.answerWith(() => (++attempts === 1 ? 'hang' : 200));
      await stripeFor(quick).customers.create({ name: 'Slow endpoint' });
      await expectEventually(() => quick.deliveredEvents().length === 1);
      expect(receiver.received.map((r) => r.status)).toEqual([0, 200]);
      expect(lines).toEqual([expect.stringMatching(/attempt 1 to .* failed: no response within 100 ms/)]);
    } finally {
      await quick.close();
    }
  });

  it('holds the deliveries of chosen events until released, so a test can make an older event arrive last', async () => {
    const customer = await stripe.customers.create({ name: 'Ordered' });
    await expectEventually(() => emulator.deliveredEvents().length === 1);
    // Only the next update of this customer is caught; the one after it goes out as usual.
    emulator.holdWebhooks({ hold: 'late', type: 'customer.updated', objectId: customer.id, count: 1 });
    await stripe.customers.update(customer.id, { name: 'Older' });
    await stripe.customers.update(customer.id, { name: 'Newer' });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    expect(emulator.pendingWebhooks()).toEqual([
      expect.objectContaining({ type: 'customer.updated', objectId: customer.id, state: 'held', hold: 'late' }),
    ]);
    expect(emulator.releaseWebhooks('late')).toBe(1);
    await expectEventually(() => emulator.deliveredEvents().length === 3);

    const names = emulator.deliveredEvents().map((e) => (e.data.object as { name: string }).name);
    expect(names).toEqual(['Ordered', 'Newer', 'Older']);
    expect(emulator.pendingWebhooks()).toEqual([]);
  });

  it('reset() drops pending deliveries and holds', async () => {
    emulator.holdWebhooks({ hold: 'all' });
    await stripe.customers.create({ name: 'Held then dropped' });
    await expectEventually(() => emulator.pendingWebhooks()[0]?.state === 'held');
    emulator.reset();
    expect(emulator.pendingWebhooks()).toEqual([]);
    // The hold is gone too: the next event is delivered.
    await stripe.customers.create({ name: 'After reset' });
    await expectEventually(() => emulator.deliveredEvents().length === 1);
    expect(acceptedEvents(receiver).map((e) => (e.data.object as Stripe.Customer).name)).toEqual(['After reset']);
  });

  it('close() returns promptly with a retry scheduled a minute out and an attempt hanging', async () => {
    const realistic = await startStripeEmulator({ webhookUrl: receiver.url, webhookJitterMs: 0 });
    const client = stripeFor(realistic);
    receiver.answerWith((event) => ((event.data.object as Stripe.Customer).name === 'Retry later' ? 503 : 'hang'));
    await client.customers.create({ name: 'Retry later' });
    await client.customers.create({ name: 'Hanging' });
    await expectEventually(() =>
      expect(realistic.pendingWebhooks().map((p) => [p.state, p.attempts])).toEqual([
        ['scheduled', 1],
        ['sending', 1],
      ]),
    );
    expect(receiver.hanging()).toBe(1);

    const started = Date.now();
    await realistic.close();
    // Realistic defaults: the retry was due in a minute, the hanging attempt would time out in 5 s.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(realistic.pendingWebhooks()).toEqual([]);
    await expectEventually(() => receiver.hanging() === 0);
  });

  it('sends nothing while no webhook URL is set, and reports pending_webhooks accordingly', async () => {
    emulator.setWebhookUrl(undefined);
    await stripe.customers.create({ name: 'Unheard' });
    emulator.setWebhookUrl(receiver.url);
    await stripe.customers.create({ name: 'Heard' });

    await expectEventually(() => emulator.deliveredEvents().length === 1);
    expect(acceptedEvents(receiver).map((e) => (e.data.object as Stripe.Customer).name)).toEqual(['Heard']);

    const events = await stripe.events.list();
    expect(events.data.map((e) => [(e.data.object as Stripe.Customer).name, e.pending_webhooks])).toEqual([
      ['Heard', 0],
      ['Unheard', 0],
    ]);
  });

  it('emits no event for an update that changes nothing', async () => {
    const { id } = await stripe.customers.create({ name: 'Same', metadata: { a: '1' } });
    await stripe.customers.update(id, { name: 'Same', metadata: { a: '1' } });
    await stripe.customers.update(id, { description: 'changed' });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    const events = await inCreationOrder(stripe, emulator.deliveredEvents());
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
    expect(events[1]?.data.previous_attributes).toEqual({ description: null });
  });

  it('marks a "dashboard" edit (plain API call without Idempotency-Key) with idempotency_key null', async () => {
    const { id } = await stripe.customers.create({ name: 'Before' }, { idempotencyKey: 'ours' });

    const edit = await rawRequest(emulator, 'POST', `/v1/customers/${id}`, { body: 'name=After', headers: AUTH });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    const update = emulator.deliveredEvents().find((e) => e.type === 'customer.updated');
    expect(update?.request).toEqual({ id: edit.headers.get('request-id'), idempotency_key: null });
    expect(update?.data.previous_attributes).toEqual({ name: 'Before' });
  });
});

/** A URL on which nothing listens, so deliveries fail with a connection error. */
async function unusedLocalUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhooks`;
}
