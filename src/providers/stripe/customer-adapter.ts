import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteResult } from '../../core/provider.js';
import type { StripeApi } from './api.js';
import { isMissing, toProviderError } from './errors.js';
import { fromStripeCustomer, toStripeCustomerParams } from './mappers.js';

type Write = RecordWrite<CustomerFields>;

/** Customers <-> Stripe Customers (https://docs.stripe.com/api/customers). */
export class StripeCustomerAdapter implements EntityAdapter<CustomerFields> {
  readonly entityType = CUSTOMER;
  // Stripe has no batch endpoint: one customer per call, so each record's result is committed as soon as it returns.
  readonly maxBatchSize = 1;

  constructor(private readonly api: StripeApi) {}

  // One call per write, each with its own idempotency key.
  async write(writes: Write[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const w of writes) {
      try {
        results.push({ ok: true, externalId: await this.writeOne(w) });
      } catch (err) {
        // An update of a customer that is not there: deleted in Stripe (deleted customers answer 404 too).
        results.push({
          ok: false,
          error: toProviderError(err, 'customer write'),
          gone: !!w.externalId && isMissing(err),
        });
      }
    }
    return results;
  }

  fetch(externalId: string): Promise<RemoteRecord<CustomerFields> | undefined> {
    return this.api.call('customer retrieve', async (stripe) => {
      try {
        return fromStripeCustomer(await stripe.customers.retrieve(externalId));
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    });
  }

  /**
   * Customers with each record's email, oldest first. The list endpoint's `email` filter (exact, case-sensitive)
   * reads current data; the Search API would not do here, its index lags by up to a minute
   * (https://docs.stripe.com/search#data-freshness).
   */
  async findByNaturalKey(records: Partial<CustomerFields>[]): Promise<RemoteRecord<CustomerFields>[]> {
    const found: RemoteRecord<CustomerFields>[] = [];
    for (const email of new Set(records.map((r) => r.email).filter((e): e is string => !!e))) {
      const page = await this.api.call('customer lookup', (stripe) => stripe.customers.list({ email, limit: 100 }));
      found.push(...page.data.map(fromStripeCustomer).reverse()); // the list is newest first
    }
    return found;
  }

  /** Pages through all customers with cursor pagination (https://docs.stripe.com/api/pagination). */
  async *list(): AsyncIterable<RemoteRecord<CustomerFields>> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.api.call('customer list', (stripe) =>
        stripe.customers.list({ limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
      );
      for (const c of page.data) yield fromStripeCustomer(c);
      if (!page.has_more || page.data.length === 0) return;
      startingAfter = page.data.at(-1)!.id;
    }
  }

  private async writeOne(w: Write): Promise<string | null> {
    const options = { idempotencyKey: w.idempotencyKey };
    if (w.op === 'delete') {
      if (!w.externalId) return null;
      const id = w.externalId;
      await this.api.call('customer delete', async (stripe) => {
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
      // Stripe already holds all of it, our id included.
      if (w.changed && Object.keys(w.changed).length === 0 && !w.ourIdMissing) return id;
      const params = toStripeCustomerParams(w.record, w.changed);
      return this.api.call(
        'customer update',
        async (stripe) => (await stripe.customers.update(id, params, options)).id,
      );
    }
    // One call, carrying our id in metadata from the customer's first version, so a webhook about it (even one
    // that arrives before this reply) names the local record. The engine repeats a create whose reply was lost
    // with the same key and data, and Stripe answers with the same customer
    // (https://docs.stripe.com/api/idempotent_requests).
    const params = toStripeCustomerParams(w.record);
    return this.api.call('customer create', async (stripe) => (await stripe.customers.create(params, options)).id);
  }
}
