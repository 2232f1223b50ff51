import Stripe from 'stripe';
import { parseForm } from '../../../emulators/stripe/form.js';
import { signatureHeader, startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { expectEventually } from '../../support/eventually.js';
import { startWebhookReceiver, stripeFor, type WebhookReceiver } from './helpers.js';

async function control(emulator: StripeEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined && { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('Stripe emulator: control endpoints', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
    receiver = await startWebhookReceiver();
  });
  afterEach(() => emulator.reset());
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('lists customers, the request log and reports health without authentication', async () => {
    const customer = await stripe.customers.create({ name: 'Listed' });

    expect(await control(emulator, 'GET', 'health')).toEqual({ status: 200, json: { ok: true } });
    expect(await control(emulator, 'GET', 'customers')).toEqual({ status: 200, json: { data: [customer] } });
    const requests = await control(emulator, 'GET', 'requests');
    expect(requests.json.data).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/customers' })]);
  });

  it('lists non-deleted invoices, newest first, like invoices() in process', async () => {
    const { id: customer } = await stripe.customers.create({ name: 'Billed' });
    const older = await stripe.invoices.create({ customer });
    const gone = await stripe.invoices.create({ customer });
    const newer = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer })).id);
    await stripe.invoices.del(gone.id);

    expect(await control(emulator, 'GET', 'invoices')).toEqual({ status: 200, json: { data: [newer, older] } });
    expect(emulator.invoices()).toEqual([newer, older]);
  });

  it('injects faults over HTTP and validates them', async () => {
    expect((await control(emulator, 'POST', 'faults', { status: 503, count: 1 })).status).toBe(200);
    await expect(stripe.customers.list()).rejects.toMatchObject({ statusCode: 503 });

    expect(await control(emulator, 'POST', 'faults', { status: 'boom', count: 1 })).toMatchObject({ status: 400 });
    expect(await control(emulator, 'POST', 'faults', { count: 1 })).toMatchObject({ status: 400 });
  });

  it('sets and clears the webhook URL over HTTP', async () => {
    expect(await control(emulator, 'POST', 'webhook-url', { url: receiver.url })).toEqual({
      status: 200,
      json: { url: receiver.url },
    });
    await stripe.customers.create({ name: 'Hooked' });
    await expectEventually(() => emulator.deliveredEvents().length === 1);
    const delivered = await control(emulator, 'GET', 'delivered-events');
    expect(delivered.json.data).toEqual(emulator.deliveredEvents());

    expect((await control(emulator, 'POST', 'webhook-url', { url: null })).status).toBe(200);
    expect((await control(emulator, 'POST', 'webhook-url', { url: 'not a url' })).status).toBe(400);
  });

  it('holds, lists and releases webhook deliveries over HTTP', async () => {
    emulator.setWebhookUrl(receiver.url);
    expect(await control(emulator, 'POST', 'webhook-holds', { hold: 'h', type: 'customer.created' })).toEqual({
      status: 200,
      json: { ok: true },
    });
    const { id } = await stripe.customers.create({ name: 'Held' });
    const pending = await control(emulator, 'GET', 'pending-webhooks');
    expect(pending.json.data).toEqual([
      expect.objectContaining({ type: 'customer.created', objectId: id, attempts: 0, state: 'held', hold: 'h' }),
    ]);
    expect(await control(emulator, 'POST', 'webhook-release', { hold: 'h' })).toEqual({
      status: 200,
      json: { released: 1 },
    });
    await expectEventually(() => emulator.deliveredEvents().length === 1);
    expect((await control(emulator, 'GET', 'pending-webhooks')).json).toEqual({ data: [] });

    expect((await control(emulator, 'POST', 'webhook-holds', { type: 'customer.created' })).status).toBe(400);
    expect((await control(emulator, 'POST', 'webhook-holds', { hold: 'h', count: 0 })).status).toBe(400);
    expect((await control(emulator, 'POST', 'webhook-release', { hold: 1 })).status).toBe(400);
  });

  it('resets all state but keeps serving', async () => {
    await stripe.customers.create({ name: 'Wiped' }, { idempotencyKey: 'reset-me' });
    emulator.injectFaults({ status: 500, count: 5 });

    expect(await control(emulator, 'POST', 'reset')).toEqual({ status: 200, json: { ok: true } });

    expect(emulator.customers()).toEqual([]);
    expect(emulator.requestLog()).toEqual([]);
    // Faults are gone, and the idempotency key is free again (a new customer, not a replay).
    const again = await stripe.customers.create({ name: 'Fresh' }, { idempotencyKey: 'reset-me' });
    expect(again.name).toBe('Fresh');
    expect((await stripe.events.list()).data).toHaveLength(1);
  });

  it('answers unknown control endpoints with 404', async () => {
    expect((await control(emulator, 'GET', 'nope')).status).toBe(404);
  });
});

describe('Stripe emulator building blocks', () => {
  it('decodes bracket notation, appended arrays and + as space', () => {
    const parsed = parseForm('name=A+B&metadata[k]=v&metadata[empty]=&expand[]=x&expand[]=y&list[0]=a&list[1]=b');
    expect(JSON.parse(JSON.stringify(parsed))).toEqual({
      name: 'A B',
      metadata: { k: 'v', empty: '' },
      expand: { '0': 'x', '1': 'y' },
      list: { '0': 'a', '1': 'b' },
    });
  });

  it('keeps __proto__ keys as plain data', () => {
    const parsed = parseForm('metadata[__proto__]=x');
    expect(Object.keys(parsed.metadata as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('produces signatures that stripe-node verifies', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const header = signatureHeader(payload, 'whsec_unit');
    const event = Stripe.webhooks.constructEvent(payload, header, 'whsec_unit');
    expect(event.id).toBe('evt_1');
    // Stale timestamps fall outside stripe-node's default 300 s tolerance.
    const stale = signatureHeader(payload, 'whsec_unit', Math.floor(Date.now() / 1000) - 3600);
    expect(() => Stripe.webhooks.constructEvent(payload, stale, 'whsec_unit')).toThrow(/tolerance/);
  });
});
