import type { ProviderMetrics, SharedRateLimit } from '../core/provider.js';

/**
 * Token bucket: at most `ratePerSecond` calls per second on average, bursts up to `burst`. Waiters are served
 * in order. One per provider per process. A provider's published limit is per account, so when several processes
 * call it each takes its share (`setShare`: the app counts the provider's worker processes).
 */
export class RateLimiter implements SharedRateLimit {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();
  private share = 1;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.burst;
    this.last = now();
  }

  /** How many processes share the limit (this one included); each then makes at most its part of the calls. */
  setShare(processes: number): void {
    this.refill(this.now()); // tokens earned so far were earned at the old rate
    this.share = Math.max(1, Math.floor(processes));
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /** The calls per second this process may make now. */
  perSecond(): number {
    return this.ratePerSecond / this.share;
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
      this.refill(this.now());
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond()) * 1000)));
    }
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.perSecond());
    this.last = now;
  }

  /** The burst, shared too: N processes bursting at once must not exceed the account's own burst. */
  private capacity(): number {
    return Math.max(1, Math.floor(this.burst / this.share));
  }
}
