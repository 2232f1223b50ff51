import type Stripe from 'stripe';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import { toProviderError } from './errors.js';

/** Prefix of every idempotency key we send, so our writes are recognizable when Stripe echoes them. */
export const STRIPE_KEY_PREFIX = 'catalog-sync:';

/** The Stripe client plus the account's rate limit: every call of every adapter and poller goes through `call`. */
export class StripeApi {
  constructor(
    readonly stripe: Stripe,
    private readonly limiter: RateLimiter,
  ) {}

  async call<T>(action: string, fn: (stripe: Stripe) => Promise<T>): Promise<T> {
    await this.limiter.acquire();
    try {
      return await fn(this.stripe);
    } catch (err) {
      throw toProviderError(err, action);
    }
  }
}
