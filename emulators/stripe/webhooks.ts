import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { unixSeconds } from './ids.js';
import type { StripeEvent } from './types.js';

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
  /** Read at every attempt, so changing the URL redirects events that are still queued. */
  url(): string | undefined;
  onDelivered(event: StripeEvent): void;
  /** Total tries per event, first one included. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles after each failure. */
  initialBackoffMs?: number;
  /** An attempt that gets no response within this time counts as failed. */
  attemptTimeoutMs?: number;
  log?: (line: string) => void;
}

/**
 * Delivers events one at a time in creation order: an event is retried (exponential backoff) until it succeeds or
 * runs out of attempts before the next one is sent. API calls never wait for deliveries.
 */
export class WebhookDispatcher {
  private queue: StripeEvent[] = [];
  private running = false;
  private closed = false;
  /** Bumped by reset/close so work started before them is dropped when it resumes. */
  private generation = 0;
  private inFlight: http.ClientRequest | undefined;
  private wake: (() => void) | undefined;
  private idle: Promise<void> = Promise.resolve();

  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
  }

  enqueue(event: StripeEvent): void {
    if (this.closed) return;
    this.queue.push(event);
    if (!this.running) {
      this.running = true;
      this.idle = this.drain(this.generation);
    }
  }

  /** Drops queued events and abandons the one in flight. */
  reset(): void {
    this.generation += 1;
    this.queue = [];
    this.interrupt();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await this.idle;
  }

  private interrupt(): void {
    this.inFlight?.destroy();
    this.wake?.();
  }

  private async drain(generation: number): Promise<void> {
    try {
      while (generation === this.generation) {
        const next = this.queue.shift();
        if (!next) break;
        await this.deliver(next, generation);
      }
    } finally {
      if (generation === this.generation) this.running = false;
      else if (!this.closed && this.queue.length > 0) this.idle = this.drain(this.generation);
      else this.running = false;
    }
  }

  private async deliver(event: StripeEvent, generation: number): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const url = this.options.url();
      if (generation !== this.generation) return;
      if (url === undefined) {
        this.options.log?.(`webhook ${event.id} dropped: the webhook URL was unset`);
        return;
      }
      // Stripe sends pretty-printed JSON; receivers must verify the signature over these exact bytes.
      const payload = JSON.stringify(event, null, 2);
      const outcome = await this.post(url, payload);
      if (generation !== this.generation) return;
      if (outcome.ok) {
        event.pending_webhooks = 0;
        this.options.onDelivered(JSON.parse(payload) as StripeEvent);
        return;
      }
      this.options.log?.(`webhook ${event.id} (${event.type}) attempt ${attempt} to ${url} failed: ${outcome.reason}`);
      if (attempt < this.maxAttempts) await this.sleep(this.initialBackoffMs * 2 ** (attempt - 1));
    }
    this.options.log?.(`webhook ${event.id} given up after ${this.maxAttempts} attempts`);
  }

  private post(url: string, payload: string): Promise<{ ok: boolean; reason: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ ok: false, reason: `invalid URL ${url}` });
        return;
      }
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(
        target,
        {
          method: 'POST',
          // A fresh connection per attempt: nothing lingers in a keep-alive pool when the emulator closes.
          agent: false,
          timeout: this.attemptTimeoutMs,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'Stripe-Signature': signatureHeader(payload, this.options.secret),
          },
        },
        (response) => {
          // Only the status matters; the body is drained and ignored.
          response.resume();
          response.on('error', () => undefined);
          const status = response.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, reason: `HTTP ${status}` });
        },
      );
      this.inFlight = request;
      request.on('timeout', () => request.destroy(new Error(`no response within ${this.attemptTimeoutMs} ms`)));
      request.on('error', (error) => resolve({ ok: false, reason: error.message }));
      request.on('close', () => {
        if (this.inFlight === request) this.inFlight = undefined;
        resolve({ ok: false, reason: 'connection closed' });
      });
      request.end(payload);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
