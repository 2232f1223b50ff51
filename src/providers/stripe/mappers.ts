import type Stripe from 'stripe';
import type { RecordSnapshot } from '../../core/catalog.js';
import type { RemoteRecord } from '../../core/provider.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';

/** Pure mappings between our customer and Stripe's Customer object (https://docs.stripe.com/api/customers/object). */

/** The metadata key holding our id on the Stripe customer (https://docs.stripe.com/api/metadata). */
export const INTERNAL_ID_KEY = 'internal_id';

/** Create/update params; with `changed`, only those fields (plus our id). */
export function toStripeCustomerParams(
  c: RecordSnapshot<CustomerFields>,
  changed?: Partial<CustomerFields>,
): Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams {
  const fields = changed ?? { name: c.name, email: c.email };
  return { ...fields, metadata: { [INTERNAL_ID_KEY]: c.id } };
}

export function fromStripeCustomer(c: Stripe.Customer | Stripe.DeletedCustomer): RemoteRecord<CustomerFields> {
  if ('deleted' in c && c.deleted) return { externalId: c.id, internalId: null, deleted: true, values: {} };
  const customer = c as Stripe.Customer;
  return {
    externalId: customer.id,
    internalId: customer.metadata?.[INTERNAL_ID_KEY] || null,
    deleted: false,
    values: { name: customer.name ?? null, email: customer.email ?? null },
  };
}
