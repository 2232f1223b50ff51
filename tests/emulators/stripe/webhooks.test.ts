import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { expectEventually } from '../../support/eventually.js';
import { acceptedEvents, AUTH, rawRequest, startWebhookReceiver, stripeFor, type WebhookReceiver } from './helpers.js';

const SECRET = 'whsec_test_secret';

describe('Stripe emulator: webhooks', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: WebhookReceiver;
  const diagnostics: string[] = [];

  beforeAll(async () => {
    emulator = await startStripeEmulator({ webhookSecret: SECRET, log: (line) => diagnostics.push(line) });
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

  it('sends signed created/updated/deleted events in order, which constructEvent accepts', async () => {
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
    const events = receiver.received.map(verify);

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
    expect(emulator.deliveredEvents().map((e) => e.id)).toEqual(events.map((e) => e.id));
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

  it('retries a delivery answered with 500 and keeps later events behind it', async () => {
    receiver.failNext(500, 503);

    const first = await stripe.customers.create({ name: 'First' });
    const second = await stripe.customers.create({ name: 'Second' });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    const attempts = receiver.received.map((r) => {
      const event = JSON.parse(r.rawBody) as Stripe.Event;
      return [(event.data.object as Stripe.Customer).id, r.status];
    });
    expect(attempts).toEqual([
      [first.id, 500],
      [first.id, 503],
      [first.id, 200],
      [second.id, 200],
    ]);
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

  it('gives up on an event after the last attempt and moves on to the next one', async () => {
    const quick = await startStripeEmulator({
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      webhookRetry: { maxAttempts: 2, initialBackoffMs: 10 },
    });
    try {
      receiver.failNext(500, 500);
      const client = stripeFor(quick);
      await client.customers.create({ name: 'Lost' });
      const kept = await client.customers.create({ name: 'Kept' });

      await expectEventually(() => quick.deliveredEvents().length === 1);
      expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
      expect(quick.deliveredEvents()[0]?.data.object.id).toBe(kept.id);
    } finally {
      await quick.close();
    }
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
    expect(emulator.deliveredEvents().map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
    expect(emulator.deliveredEvents()[1]?.data.previous_attributes).toEqual({ description: null });
  });

  it('marks a "dashboard" edit (plain API call without Idempotency-Key) with idempotency_key null', async () => {
    const { id } = await stripe.customers.create({ name: 'Before' }, { idempotencyKey: 'ours' });

    const edit = await rawRequest(emulator, 'POST', `/v1/customers/${id}`, { body: 'name=After', headers: AUTH });

    await expectEventually(() => emulator.deliveredEvents().length === 2);
    const update = emulator.deliveredEvents()[1];
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
