import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteOptions, WriteResult } from '../../core/provider.js';
import { STRIPE_KEY_PREFIX, type StripeApi } from './api.js';
import { isMissing, toProviderError } from './errors.js';
import { fromStripeCustomer, INTERNAL_ID_KEY, toStripeCustomerParams } from './mappers.js';

type Write = RecordWrite<CustomerFields>;

/** Customers <-> Stripe Customers (https://docs.stripe.com/api/customers). */
export class StripeCustomerAdapter implements EntityAdapter<CustomerFields> {
  readonly entityType = CUSTOMER;
  // Stripe has no batch endpoint for customers; small chunks keep one slow batch from holding a partition long.
  readonly maxBatchSize = 20;

  constructor(private readonly api: StripeApi) {}

  // One call per write, each with its own idempotency key.
  async write(writes: Write[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    for (const w of writes) {
      const created: { id?: string } = {};
      try {
        results.push({ ok: true, externalId: await this.writeOne(w, created) });
      } catch (err) {
        const error = toProviderError(err, 'customer write');
        results.push({ ok: false, error, ...(created.id ? { externalId: created.id } : {}) });
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

  async linkInternalId(externalId: string, internalId: string, opts: WriteOptions): Promise<void> {
    await this.api.call('customer link', (stripe) =>
      stripe.customers.update(
        externalId,
        { metadata: { [INTERNAL_ID_KEY]: internalId } },
        { idempotencyKey: opts.idempotencyKey },
      ),
    );
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

  private async writeOne(w: Write, created: { id?: string }): Promise<string | null> {
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
      if (w.changed && Object.keys(w.changed).length === 0) return id; // Stripe already holds all of it
      const params = toStripeCustomerParams(w.record, w.changed);
      return this.api.call(
        'customer update',
        async (stripe) => (await stripe.customers.update(id, params, options)).id,
      );
    }
    const params = toStripeCustomerParams(w.record);
    // Create in two steps. The create is keyed by OUR customer id (not the event) with fixed params, so a create
    // whose reply was lost — retried, or superseded by a newer version's event — gets the same Stripe customer
    // back instead of making a second one (https://docs.stripe.com/api/idempotent_requests). The data follows as
    // an update keyed by the event.
    const customer = await this.api.call('customer create', (stripe) =>
      stripe.customers.create(
        { metadata: { [INTERNAL_ID_KEY]: w.record.id } },
        { idempotencyKey: `${STRIPE_KEY_PREFIX}create:${w.record.id}` },
      ),
    );
    // From here on a failure still reports the id, so the mapping is kept and the retry updates this customer.
    created.id = customer.id;
    await this.api.call('customer update', (stripe) => stripe.customers.update(customer.id, params, options));
    return customer.id;
  }
}
