import { ProviderError } from './provider-error.js';

/**
 * The retry policy for provider writes: retry only what can succeed later — HTTP 429, 5xx and network
 * failures — with capped exponential backoff and full jitter; everything else (validation, auth, 404 on
 * update...) fails at once. After `maxAttempts` the message goes to the dead-letter topic.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

export function isRetryable(err: unknown): boolean {
  if (err instanceof ProviderError) return err.retryable;
  return false;
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(cap, base * 2^(attempt-1))]
 * ("full jitter", https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), never below the
 * provider's Retry-After when it sent one.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  err?: unknown,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = err instanceof ProviderError ? (err.retryAfterMs ?? 0) : 0;
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfter));
}

export function shouldRetry(policy: RetryPolicy, attempt: number, err: unknown): boolean {
  return attempt < policy.maxAttempts && isRetryable(err);
}
