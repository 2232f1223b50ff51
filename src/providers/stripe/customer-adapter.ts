import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteResult } from '../../core/provider.js';
import { STRIPE_CALLS_IN_FLIGHT, STRIPE_WRITES_PER_CALL, writeSideBySide, type StripeApi } from './api.js';
import { isMissing } from './errors.js';
import { fromStripeCustomer, toStripeCustomerParams } from './mappers.js';

type Write = RecordWrite<CustomerFields>;

/** Customers <-> Stripe Customers (https://docs.stripe.com/api/customers). */
export class StripeCustomerAdapter implements EntityAdapter<CustomerFields> {
  readonly entityType = CUSTOMER;
  readonly maxBatchSize = STRIPE_WRITES_PER_CALL;
  readonly maxCallsInFlight = STRIPE_CALLS_IN_FLIGHT;

  constructor(private readonly api: StripeApi) {}

  write(writes: Write[]): Promise<WriteResult[]> {
    // (An update of a customer that is not there: deleted in Stripe; deleted customers answer 404 too.)
    return writeSideBySide(writes, 'customer write', async (w) => ({ ok: true, externalId: await this.writeOne(w) }));
  }

  recordUrl(externalId: string): string | undefined {
    return this.api.dashboardUrl(`customers/${encodeURIComponent(externalId)}`);
  }

  async fetch(externalId: string): Promise<RemoteRecord<CustomerFields> | undefined> {
    const customer = await this.api.read('customer retrieve', (stripe) => stripe.customers.retrieve(externalId));
    return customer && fromStripeCustomer(customer);
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

  /** Every customer (backfill). */
  async *list(): AsyncIterable<RemoteRecord<CustomerFields>> {
    const all = this.api.listAll('customer list', (stripe, page) => stripe.customers.list(page));
    for await (const c of all) yield fromStripeCustomer(c);
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
