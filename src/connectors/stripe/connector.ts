import Stripe from 'stripe';
import { Provider } from '../../domain/enums.js';
import type { RateLimiter } from '../../sync/rate-limiter.js';
import type {
  Connector,
  CustomerPort,
  CustomerWrite,
  ExternalCustomer,
  WriteOptions,
  WriteResult,
} from '../connector.js';
import { isNetworkError, isRetryableStatus, ProviderError } from '../provider-error.js';
import { fromStripeCustomer, INTERNAL_ID_KEY, toStripeCustomerParams } from './mappers.js';
import { parseStripeEvent } from './webhook.js';

/** Prefix of every idempotency key we send, so our writes are recognizable when Stripe echoes them. */
export const STRIPE_KEY_PREFIX = 'catalog-sync:';

/** Normalizes stripe-node errors (https://docs.stripe.com/error-handling) into ProviderError. */
export function toProviderError(err: unknown, action: string): ProviderError {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode;
    const network = err instanceof Stripe.errors.StripeConnectionError;
    const retryAfter = Number(err.headers?.['retry-after']);
    return new ProviderError(Provider.STRIPE, `Stripe ${action} failed: ${err.message}`, {
      ...(status !== undefined ? { status } : {}),
      ...(err.code ? { providerCode: err.code } : {}),
      // 409: a concurrent request with the same idempotency key is still running; retrying gets its result.
      retryable: network || status === 409 || isRetryableStatus(status ?? (network ? undefined : 400)),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      cause: err,
    });
  }
  return new ProviderError(
    Provider.STRIPE,
    `Stripe ${action} failed: ${err instanceof Error ? err.message : String(err)}`,
    {
      retryable: isNetworkError(err),
      cause: err,
    },
  );
}

const isMissing = (err: unknown) => err instanceof Stripe.errors.StripeError && err.statusCode === 404;

export class StripeConnector implements Connector {
  readonly provider = Provider.STRIPE;
  // Stripe has no batch endpoint for customers; small chunks keep one slow batch from holding a partition long.
  readonly maxBatchSize = 20;
  readonly customers: CustomerPort;

  constructor(
    private readonly stripe: Stripe,
    private readonly limiter: RateLimiter,
  ) {
    this.customers = this.customerPort();
  }

  idempotencyKey(eventId: string, operation: string): string {
    return `${STRIPE_KEY_PREFIX}${eventId}:${operation}`;
  }

  parseInbound(message: unknown) {
    return parseStripeEvent(message, STRIPE_KEY_PREFIX);
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    await this.limiter.acquire();
    try {
      return await fn();
    } catch (err) {
      throw toProviderError(err, action);
    }
  }

  private customerPort(): CustomerPort {
    const stripe = this.stripe;
    return {
      // Stripe has no batch write API for customers: one call per write, each with its own idempotency key.
      write: async (writes: CustomerWrite[]): Promise<WriteResult[]> => {
        const results: WriteResult[] = [];
        for (const w of writes) {
          const created: { id?: string } = {};
          try {
            results.push({ ok: true, externalId: await this.writeOne(w, created) });
          } catch (err) {
            const error = err instanceof ProviderError ? err : toProviderError(err, 'customer write');
            results.push({ ok: false, error, ...(created.id ? { externalId: created.id } : {}) });
          }
        }
        return results;
      },

      fetch: (externalId: string): Promise<ExternalCustomer | undefined> =>
        this.call('customer retrieve', async () => {
          try {
            return fromStripeCustomer(await stripe.customers.retrieve(externalId));
          } catch (err) {
            if (isMissing(err)) return undefined;
            throw err;
          }
        }),

      linkInternalId: (externalId: string, internalId: string, opts: WriteOptions) =>
        this.call('customer link', async () => {
          await stripe.customers.update(
            externalId,
            { metadata: { [INTERNAL_ID_KEY]: internalId } },
            { idempotencyKey: opts.idempotencyKey },
          );
        }),

      list: () => this.listCustomers(),
    };
  }

  private async writeOne(w: CustomerWrite, created: { id?: string }): Promise<string | null> {
    const stripe = this.stripe;
    const options = { idempotencyKey: w.idempotencyKey };
    if (w.op === 'delete') {
      if (!w.externalId) return null;
      const id = w.externalId;
      await this.call('customer delete', async () => {
        try {
          await stripe.customers.del(id);
        } catch (err) {
          if (!isMissing(err)) throw err; // already gone: the delete has happened
        }
      });
      return id;
    }
    if (w.externalId) {
      const id = w.externalId;
      if (w.changed && Object.keys(w.changed).length === 0) return id; // Stripe already holds all of it
      const params = toStripeCustomerParams(w.customer, w.changed);
      return this.call('customer update', async () => (await stripe.customers.update(id, params, options)).id);
    }
    const params = toStripeCustomerParams(w.customer);
    // Create in two steps. The create is keyed by OUR customer id (not the event) with fixed params, so a create
    // whose reply was lost — retried, or superseded by a newer version's event — gets the same Stripe customer
    // back instead of making a second one (https://docs.stripe.com/api/idempotent_requests). The data follows as
    // an update keyed by the event.
    const customer = await this.call('customer create', () =>
      stripe.customers.create(
        { metadata: { [INTERNAL_ID_KEY]: w.customer.id } },
        { idempotencyKey: `${STRIPE_KEY_PREFIX}create:${w.customer.id}` },
      ),
    );
    // From here on a failure still reports the id, so the mapping is kept and the retry updates this customer.
    created.id = customer.id;
    await this.call('customer update', () => stripe.customers.update(customer.id, params, options));
    return customer.id;
  }

  /** Pages through all customers with cursor pagination (https://docs.stripe.com/api/pagination). */
  private async *listCustomers(): AsyncIterable<ExternalCustomer> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.call('customer list', () =>
        this.stripe.customers.list({ limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
      );
      for (const c of page.data) yield fromStripeCustomer(c);
      if (!page.has_more || page.data.length === 0) return;
      startingAfter = page.data.at(-1)!.id;
    }
  }
}
