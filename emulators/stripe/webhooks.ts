import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { unixSeconds } from './ids.js';
import type { StripeEvent } from './types.js';
import { WebhookHoldRules, type WebhookHold } from './webhook-holds.js';
import { retryDelayMs, webhookPolicy, type WebhookDeliveryPolicy } from './webhook-policy.js';

/**
 * Stripe's signature scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC is keyed
 * with the whole endpoint secret (`whsec_...`, prefix included) over `<t>.<raw body>`. This is what
 * `stripe.webhooks.constructEvent` verifies.
 */
export function signatureHeader(payload: string, secret: string, timestamp: number = unixSeconds()): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export interface WebhookDispatcherOptions {
  secret: string;
  /** Read at every attempt, so changing the URL redirects events that are still waiting for an attempt. */
  url(): string | undefined;
  onDelivered(event: StripeEvent): void;
  /** Overrides of the realistic defaults (webhook-policy.ts). */
  policy?: Partial<WebhookDeliveryPolicy>;
  /** 0 <= n < 1, for the first attempt's jitter; tests pass a fixed sequence. Default Math.random. */
  random?: () => number;
  log?: (line: string) => void;
}

/** A delivery that has not succeeded or been given up yet, as `pendingWebhooks()` shows it. */
export interface PendingWebhook {
  eventId: string;
  type: string;
  objectId: string;
  /** Attempts made so far. */
  attempts: number;
  /**
   * `scheduled`: waiting for its (first or next) attempt's time; `ready`: due, waiting for a free slot; `sending`:
   * an attempt in flight; `held`: caught by a webhook hold, waiting for its release.
   */
  state: 'scheduled' | 'ready' | 'sending' | 'held';
  /** ISO time of the next attempt, when scheduled. */
  nextAttemptAt?: string;
  /** The gate holding it, when held. */
  hold?: string;
}

interface Delivery {
  readonly event: StripeEvent;
  /** When the event was handed over (its creation): the age limit counts from here. */
  readonly since: number;
  attempts: number;
  state: PendingWebhook['state'];
  nextAttemptAt?: number;
  hold?: string;
  timer?: NodeJS.Timeout;
  request?: http.ClientRequest;
}

/**
 * Delivers every event on its own schedule, as Stripe does: a first attempt after a small random jitter (so order
 * is not guaranteed), then retries with capped exponential backoff until the event is older than `maxAgeMs`. One
 * failing event holds back nothing else; at most `maxInFlight` attempts run at once. API calls never wait for
 * deliveries. reset()/close() cancel every timer and abandon attempts in flight.
 */
export class WebhookDispatcher {
  private readonly policy: WebhookDeliveryPolicy;
  private readonly random: () => number;
  private readonly holds = new WebhookHoldRules();
  private deliveries = new Set<Delivery>();
  /** Due deliveries waiting for a free slot, oldest due first. */
  private ready: Delivery[] = [];
  private inFlight = 0;
  /** Attempts running now (also those of before a reset, until their socket closes): close() waits for them. */
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.policy = webhookPolicy(options.policy);
    this.random = options.random ?? Math.random;
  }

  enqueue(event: StripeEvent): void {
    if (this.closed) return;
    const delivery: Delivery = { event, since: Date.now(), attempts: 0, state: 'scheduled' };
    this.deliveries.add(delivery);
    // Caught when created, in creation order: "hold the next update of cus_1" means that one, whatever the jitter.
    const hold = this.holds.take(event);
    if (hold !== undefined) {
      delivery.state = 'held';
      delivery.hold = hold;
      return;
    }
    this.schedule(delivery, Math.floor(this.random() * (this.policy.jitterMs + 1)));
  }

  /** Holds the deliveries of matching events created from now on until `release(rule.hold)`. */
  hold(rule: WebhookHold): void {
    this.holds.add(rule);
  }

  /** Ends the gate `hold` (or all) and sends what it held now, without jitter; returns how many. */
  release(hold?: string): number {
    this.holds.remove(hold);
    const going = [...this.deliveries].filter((d) => d.state === 'held' && (hold === undefined || d.hold === hold));
    for (const delivery of going) this.makeReady(delivery);
    this.pump();
    return going.length;
  }

  pending(): PendingWebhook[] {
    return [...this.deliveries].map(({ event, attempts, state, nextAttemptAt, hold }) => ({
      eventId: event.id,
      type: event.type,
      objectId: event.data.object.id,
      attempts,
      state,
      ...(state === 'scheduled' && nextAttemptAt !== undefined && { nextAttemptAt: iso(nextAttemptAt) }),
      ...(state === 'held' && hold !== undefined && { hold }),
    }));
  }

  /** Drops every pending delivery and hold, and abandons the attempts in flight. */
  reset(): void {
    for (const delivery of this.deliveries) {
      clearTimeout(delivery.timer);
      delivery.request?.destroy();
    }
    this.deliveries = new Set();
    this.ready = [];
    this.holds.remove();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await Promise.all(this.running);
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    delivery.state = 'scheduled';
    delivery.nextAttemptAt = Date.now() + delayMs;
    delivery.timer = setTimeout(() => {
      delivery.timer = undefined;
      this.makeReady(delivery);
      this.pump();
    }, delayMs);
    // Cleared by reset/close anyway; unref so that a forgotten emulator cannot keep a process alive by itself.
    delivery.timer.unref();
  }

  private makeReady(delivery: Delivery): void {
    delivery.state = 'ready';
    delete delivery.hold;
    this.ready.push(delivery);
  }

  private pump(): void {
    while (this.inFlight < this.policy.maxInFlight) {
      const delivery = this.ready.shift();
      if (!delivery) return;
      this.inFlight += 1;
      delivery.state = 'sending';
      const attempt: Promise<void> = this.attempt(delivery).finally(() => {
        this.inFlight -= 1;
        this.running.delete(attempt);
        this.pump();
      });
      this.running.add(attempt);
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { event } = delivery;
    const url = this.options.url();
    if (url === undefined) {
      // Stripe stops retrying an event once its endpoint is disabled or deleted.
      this.options.log?.(`webhook ${event.id} dropped: the webhook URL was unset`);
      this.deliveries.delete(delivery);
      return;
    }
    if (delivery.attempts > 0 && Date.now() - delivery.since > this.policy.maxAgeMs) {
      // Its retry came due late (a busy process, a slot freed late, a long hold): too old to try again.
      this.giveUp(delivery);
      return;
    }
    delivery.attempts += 1;
    // Stripe sends pretty-printed JSON; receivers must verify the signature over these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const outcome = await this.post(url, payload, delivery);
    if (!this.deliveries.has(delivery)) return; // reset or closed meanwhile
    if (outcome.ok) {
      this.deliveries.delete(delivery);
      event.pending_webhooks = 0;
      this.options.onDelivered(JSON.parse(payload) as StripeEvent);
      return;
    }
    const { attempts } = delivery;
    this.options.log?.(`webhook ${event.id} (${event.type}) attempt ${attempts} to ${url} failed: ${outcome.reason}`);
    const delayMs = retryDelayMs(this.policy, attempts);
    if (Date.now() + delayMs - delivery.since > this.policy.maxAgeMs) return this.giveUp(delivery);
    this.schedule(delivery, delayMs);
  }

  private giveUp(delivery: Delivery): void {
    this.deliveries.delete(delivery);
    const { event, attempts, since } = delivery;
    this.options.log?.(`webhook ${event.id} given up after ${attempts} attempts over ${Date.now() - since} ms`);
  }

  private post(url: string, payload: string, delivery: Delivery): Promise<{ ok: boolean; reason: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ ok: false, reason: `invalid URL ${url}` });
        return;
      }
      const timeoutMs = this.policy.attemptTimeoutMs;
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(
        target,
        {
          method: 'POST',
          // A fresh connection per attempt: nothing lingers in a keep-alive pool when the emulator closes.
          agent: false,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            // Signed at each attempt: a retry carries a fresh timestamp, as on Stripe.
            'Stripe-Signature': signatureHeader(payload, this.options.secret),
          },
        },
        (response) => {
          // Only the status matters; the body is drained and ignored.
          response.resume();
          response.on('error', () => undefined);
          const status = response.statusCode ?? 0;
          settle({ ok: status >= 200 && status < 300, reason: `HTTP ${status}` });
        },
      );
      // The whole attempt, not just socket idleness: an endpoint that answers slowly has failed (Stripe: "Timed out").
      const timer = setTimeout(
        () => request.destroy(new Error(`no response within ${timeoutMs} ms`)),
        timeoutMs,
      ).unref();
      delivery.request = request;
      function settle(outcome: { ok: boolean; reason: string }) {
        clearTimeout(timer);
        if (delivery.request === request) delete delivery.request;
        resolve(outcome);
      }
      request.on('error', (error) => settle({ ok: false, reason: error.message }));
      request.on('close', () => settle({ ok: false, reason: 'connection closed' }));
      request.end(payload);
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
