import Stripe from 'stripe';
import { isNetworkError, isRetryableStatus, ProviderError } from '../../core/provider-error.js';

export const STRIPE = 'STRIPE';

/** Normalizes stripe-node errors (https://docs.stripe.com/error-handling) into ProviderError. */
export function toProviderError(err: unknown, action: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode;
    const network = err instanceof Stripe.errors.StripeConnectionError;
    const retryAfter = Number(err.headers?.['retry-after']);
    return new ProviderError(STRIPE, `Stripe ${action} failed: ${err.message}`, {
      ...(status !== undefined ? { status } : {}),
      ...(err.code ? { providerCode: err.code } : {}),
      // 409: a concurrent request with the same idempotency key is still running; retrying gets its result.
      retryable: network || status === 409 || isRetryableStatus(status ?? (network ? undefined : 400)),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      requestId: err.requestId,
      cause: err,
    });
  }
  return new ProviderError(STRIPE, `Stripe ${action} failed: ${err instanceof Error ? err.message : String(err)}`, {
    retryable: isNetworkError(err),
    cause: err,
  });
}

/** Stripe answered 404 (no such object; deleted customers answer it too), raw or already normalized. */
export const isMissing = (err: unknown) =>
  (err instanceof Stripe.errors.StripeError && err.statusCode === 404) ||
  (err instanceof ProviderError && err.status === 404);
