import type { ProviderMetrics } from '../core/provider.js';

/**
 * Token bucket: at most `ratePerSecond` calls per second on average, bursts up to `burst`. Waiters are served
 * in order. One per provider per process; a provider's published limit is per account, so set the rate to the
 * account limit divided by the number of worker processes.
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.burst;
    this.last = now();
  }

  /** Resolves when a call may be made, with the seconds it waited (queue included; 0 when a token was there). */
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
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }
}
