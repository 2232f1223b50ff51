import { isNetworkError, isRetryableStatus, ProviderError } from '../../src/core/provider-error.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, shouldRetry } from '../../src/core/retry-policy.js';
import { RateLimiter } from '../../src/platform/rate-limiter.js';

const err = (status: number | undefined, retryAfterMs?: number) =>
  new ProviderError('STRIPE', 'x', {
    ...(status !== undefined ? { status } : {}),
    retryable: isRetryableStatus(status),
    ...(retryAfterMs ? { retryAfterMs } : {}),
  });

describe('retry policy', () => {
  it('retries 429, 5xx and network failures only', () => {
    expect([429, 500, 502, 503, undefined].map((s) => isRetryable(err(s)))).toEqual([true, true, true, true, true]);
    expect([400, 401, 402, 404, 409].map((s) => isRetryable(err(s)))).toEqual([false, false, false, false, false]);
    expect(isRetryable(new Error('plain bug'))).toBe(false);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isNetworkError(new Error('x'))).toBe(false);
  });

  it('stops after maxAttempts', () => {
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 4, err(503))).toBe(true);
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 5, err(503))).toBe(false);
    expect(shouldRetry(DEFAULT_RETRY_POLICY, 1, err(400))).toBe(false);
  });

  it('backs off exponentially with full jitter, capped, honouring Retry-After', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 8].map((a) => retryDelayMs(policy, a, undefined, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 1, err(429, 700), () => 0)).toBe(700);
    expect(retryDelayMs(policy, 1, err(429, 5000), () => 0)).toBe(1000);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then spaces calls at the configured rate', async () => {
    let now = 0;
    const limiter = new RateLimiter(10, 2, () => now);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const pending = limiter.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    now = 100; // one token refills after 1/10 s
    await pending;
    expect(third).toBe(true);
  });

  it('takes its share of the limit when several processes call the same account', async () => {
    let now = 0;
    const limiter = new RateLimiter(10, 4, () => now);
    limiter.setShare(2);
    expect(limiter.perSecond()).toBe(5);
    // The burst is shared too: 2 of the 4.
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const pending = limiter.acquire().then(() => (third = true));
    now = 100; // at 10/s a token would be back; at this process's 5/s it is not
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    now = 200;
    await pending;
    expect(third).toBe(true);
    limiter.setShare(0); // never below one process
    expect(limiter.perSecond()).toBe(10);
  });
});
