import type { StripeCustomer, StripeEvent } from '../../../emulators/stripe/index.js';
import { retryDelayMs, webhookPolicy } from '../../../emulators/stripe/webhook-policy.js';
import { WebhookDispatcher } from '../../../emulators/stripe/webhooks.js';
import { expectEventually } from '../../support/eventually.js';
import { eventOf, startWebhookReceiver, type WebhookReceiver } from './helpers.js';

/** A bare customer.created event: the dispatcher only reads its id, type and object id. */
function customerEvent(id: string): StripeEvent {
  return {
    id,
    object: 'event',
    api_version: 'test',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: `cus_${id}`, object: 'customer' } as StripeCustomer },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'customer.created',
  };
}

describe('Stripe emulator: webhook delivery schedule', () => {
  let receiver: WebhookReceiver;
  let dispatcher: WebhookDispatcher | undefined;
  const delivered: StripeEvent[] = [];

  function start(policy: Parameters<typeof webhookPolicy>[0], random?: () => number): WebhookDispatcher {
    dispatcher = new WebhookDispatcher({
      secret: 'whsec_unit',
      url: () => receiver.url,
      onDelivered: (event) => delivered.push(event),
      policy,
      ...(random && { random }),
    });
    return dispatcher;
  }

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    delivered.length = 0;
  });
  afterEach(async () => {
    await dispatcher?.close();
    dispatcher = undefined;
    await receiver.close();
  });

  it('defaults to Stripe-like retries: 1 min doubling, at most 1 h apart, for 3 days', () => {
    const policy = webhookPolicy();
    expect(policy).toEqual({
      initialBackoffMs: 60_000,
      maxBackoffMs: 3_600_000,
      maxAgeMs: 259_200_000,
      attemptTimeoutMs: 5_000,
      jitterMs: 1_000,
      maxInFlight: 8,
    });
    expect([1, 2, 3, 6, 7, 20].map((failed) => retryDelayMs(policy, failed) / 60_000)).toEqual([1, 2, 4, 32, 60, 60]);
    expect(webhookPolicy({ initialBackoffMs: 5, jitterMs: undefined })).toMatchObject({
      initialBackoffMs: 5,
      jitterMs: 1_000,
    });
    expect(() => webhookPolicy({ maxAgeMs: -1 })).toThrow(/maxAgeMs/);
    expect(() => webhookPolicy({ maxInFlight: 0 })).toThrow(/maxInFlight/);
  });

  it('jitters first attempts, so an event created first can arrive second', async () => {
    // The first event draws the longest wait, the second none.
    const draws = [0.99, 0];
    const queue = start({ jitterMs: 300 }, () => draws.shift() ?? 0);
    queue.enqueue(customerEvent('evt_a'));
    queue.enqueue(customerEvent('evt_b'));

    await expectEventually(() => delivered.length === 2);
    expect(delivered.map((e) => e.id)).toEqual(['evt_b', 'evt_a']);
  });

  it('keeps at most maxInFlight attempts open at once; the rest wait for a free slot', async () => {
    receiver.answerWith(() => 'hang');
    const queue = start({ jitterMs: 0, maxInFlight: 8 });
    for (let i = 0; i < 12; i += 1) queue.enqueue(customerEvent(`evt_${i}`));

    await expectEventually(() => receiver.hanging() === 8);
    const states = queue.pending().map((p) => p.state);
    expect(states.filter((s) => s === 'sending')).toHaveLength(8);
    expect(states.filter((s) => s === 'ready')).toHaveLength(4);

    // Each answered attempt frees a slot for a waiting event.
    receiver.answerWith(() => 200);
    expect(receiver.answerHanging(200)).toBe(8);
    await expectEventually(() => delivered.length === 12);
    expect(new Set(receiver.received.map((r) => eventOf(r).id)).size).toBe(12);
    expect(queue.pending()).toEqual([]);
  });
});
