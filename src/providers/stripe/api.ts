import type Stripe from 'stripe';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import type { FieldValues } from '../../core/catalog.js';
import type { ProviderMetrics, RecordWrite, WriteResult } from '../../core/provider.js';
import { noteRequestId, traceRequests } from '../../core/request-trace.js';
import { isMissing, toProviderError } from './errors.js';

/** Prefix of every idempotency key we send, so our writes are recognizable when Stripe echoes them. */
export const STRIPE_KEY_PREFIX = 'catalog-sync:';

/** The Stripe client plus the account's rate limit: every call of every adapter and poller goes through `call`. */
export class StripeApi {
  constructor(
    readonly stripe: Stripe,
    private readonly limiter: RateLimiter,
    private readonly metrics?: ProviderMetrics,
    /** The Dashboard's base for this key's mode (https://dashboard.stripe.com[/test]); none off Stripe's own API. */
    private readonly dashboard?: string,
  ) {
    // Every answer, errors included, carries a Request-Id (https://docs.stripe.com/api/request_ids).
    stripe.on('response', (event: { request_id?: string }) => noteRequestId(event.request_id));
  }

  /** A Dashboard page, e.g. `customers/cus_123`. */
  dashboardUrl(path: string): string | undefined {
    return this.dashboard && `${this.dashboard}/${path}`;
  }

  async call<T>(action: string, fn: (stripe: Stripe) => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(() => fn(this.stripe), this.metrics);
    } catch (err) {
      throw toProviderError(err, action);
    }
  }

  /** A read that answers undefined when Stripe has no such object (404: never made, or deleted). */
  read<T>(action: string, fn: (stripe: Stripe) => Promise<T>): Promise<T | undefined> {
    return this.call(action, async (stripe) => {
      try {
        return await fn(stripe);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    });
  }

  /** Every object of a list endpoint, page by page (https://docs.stripe.com/api/pagination). */
  async *listAll<T extends { id?: string }>(
    action: string,
    page: (stripe: Stripe, params: { limit: number; starting_after?: string }) => Promise<Stripe.ApiList<T>>,
  ): AsyncIterable<T> {
    let startingAfter: string | undefined;
    for (;;) {
      const list = await this.call(action, (stripe) =>
        page(stripe, { limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
      );
      yield* list.data;
      if (!list.has_more || list.data.length === 0) return;
      startingAfter = list.data.at(-1)!.id;
    }
  }
}

/**
 * Records a Stripe adapter takes per `write` call. Stripe has no batch endpoint, so a "call" is this many requests
 * side by side, paced by the account's rate limiter: with Stripe's ~30 ms or more per request, one at a time per
 * partition could never use the limit (3 partitions: about 60 of 100 requests/s).
 */
export const STRIPE_WRITES_PER_CALL = 10;
/** Write calls at once: with the rate limiter pacing every request, the next call's requests go while one waits. */
export const STRIPE_CALLS_IN_FLIGHT = 5;

/**
 * Stripe has no batch endpoint: each write is its own request with its own idempotency key, all sent side by side
 * (the rate limiter paces them), and a failure is that write's result. A linked record Stripe answers 404 for was
 * deleted there (`gone`). Results come in the order of `writes`.
 */
export function writeSideBySide<W extends RecordWrite<FieldValues>>(
  writes: W[],
  action: string,
  writeOne: (w: W) => Promise<WriteResult>,
): Promise<WriteResult[]> {
  return Promise.all(
    writes.map(async (w): Promise<WriteResult> => {
      const requestIds: string[] = [];
      try {
        const result = await traceRequests(requestIds, () => writeOne(w));
        if (result.ok) result.requestId = requestIds.at(-1);
        else result.error.requestId ??= requestIds.at(-1);
        return result;
      } catch (err) {
        const error = toProviderError(err, action);
        error.requestId ??= requestIds.at(-1);
        return { ok: false, error, gone: !!w.externalId && isMissing(err) };
      }
    }),
  );
}
