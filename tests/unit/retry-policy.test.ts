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
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('spaces calls evenly a little under the rate (no burst), and a call after a pause starts at once', async () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    await limiter.acquire(); // at 0
    let second = false;
    const pending = limiter.acquire().then(() => (second = true));
    now = 500; // 2/s would allow it now; the 3% headroom does not yet
    await settle();
    expect(second).toBe(false);
    now = 516; // 1000 / (2 * 0.97) = 515.5 ms after the first
    await pending;
    expect(second).toBe(true);
    now = 5000; // idle meanwhile: no credit saved up, but no wait either
    expect(await limiter.acquire()).toBe(0);
    let fourth = false;
    const next = limiter.acquire().then(() => (fourth = true));
    await settle();
    expect(fourth).toBe(false);
    now = 5516;
    await next;
    expect(fourth).toBe(true);
  });

  it('takes its share of the limit when several processes call the same account', async () => {
    let now = 0;
    const limiter = new RateLimiter(10, () => now);
    limiter.setShare(2);
    expect(limiter.perSecond()).toBe(5);
    await limiter.acquire();
    let second = false;
    const pending = limiter.acquire().then(() => (second = true));
    now = 110; // at 10/s (103 ms apart) it could start; at this process's 5/s (206 ms) it cannot
    await settle();
    expect(second).toBe(false);
    now = 207;
    await pending;
    expect(second).toBe(true);
    limiter.setShare(0); // never below one process
    expect(limiter.perSecond()).toBe(10);
  });
});
