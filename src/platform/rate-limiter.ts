import type { ProviderMetrics, SharedRateLimit } from '../core/provider.js';

/** The part of the limit used: what covers requests reaching the provider a few milliseconds off their pace. */
const HEADROOM = 0.97;

/**
 * Paces calls evenly: one every 1/rate seconds, less a little headroom, so a provider that counts requests per
 * second (Stripe: 100/s live, 25/s in test mode, https://docs.stripe.com/rate-limits) sees no second above its
 * limit even though requests reach it a few milliseconds late or early, while a steady backlog still gets
 * HEADROOM of it. No burst: a token bucket lets its burst through on top of the rate within one second, and a
 * sliding window repeats whatever clumps its first second had, and both show up at the provider as seconds above
 * the limit. A call after a pause starts at once. Waiters are served in order. One per provider per process. A
 * provider's published limit is per account, so when several processes call it each takes its share (`setShare`:
 * the app counts the provider's worker processes).
 */
export class RateLimiter implements SharedRateLimit {
  /** When the next call may start (ms, this limiter's clock). */
  private nextAt = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private share = 1;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many processes share the limit (this one included); each then makes at most its part of the calls. */
  setShare(processes: number): void {
    this.share = Math.max(1, Math.floor(processes));
  }

  /** The calls per second this process may make now. */
  perSecond(): number {
    return this.ratePerSecond / this.share;
  }

  /** Resolves when a call may be made, with the seconds it waited (queue included; 0 when it could start at once). */
  acquire(): Promise<number> {
    const asked = this.now();
    const next = this.queue.then(() => this.take());
    this.queue = next.catch(() => undefined);
    return next.then(() => (this.now() - asked) / 1000);
  }

  /** `fn` once a call may be made, reporting the wait and whether the call succeeded. */
  async run<T>(fn: () => Promise<T>, metrics?: ProviderMetrics): Promise<T> {
    metrics?.rateLimitWait(await this.acquire());
    try {
      const result = await fn();
      metrics?.apiCall('ok');
      return result;
    } catch (err) {
      metrics?.apiCall('error');
      throw err;
    }
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now >= this.nextAt) {
        // Spaced from the previous start's slot, so a timer that fires a little late (a busy event loop) does not
        // slow the pace; after a pause, from now (no credit is saved up while idle).
        const interval = 1000 / (this.perSecond() * HEADROOM);
        this.nextAt = (now - this.nextAt < interval ? this.nextAt : now) + interval;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(this.nextAt - now))));
    }
  }
}
