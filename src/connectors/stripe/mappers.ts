import type Stripe from 'stripe';
import type { CustomerSnapshot } from '../../domain/customer-service.js';
import type { ExternalCustomer } from '../connector.js';

/** Pure mappings between our customer and Stripe's Customer object (https://docs.stripe.com/api/customers/object). */

/** The metadata key holding our id on the Stripe customer (https://docs.stripe.com/api/metadata). */
export const INTERNAL_ID_KEY = 'internal_id';

/** Create/update params; with `changed`, only those fields (plus our id). */
export function toStripeCustomerParams(
  c: CustomerSnapshot,
  changed?: Partial<Record<'name' | 'email', string>>,
): Stripe.CustomerCreateParams & Stripe.CustomerUpdateParams {
  const fields = changed ?? { name: c.name, email: c.email };
  return { ...fields, metadata: { [INTERNAL_ID_KEY]: c.id } };
}

export function fromStripeCustomer(c: Stripe.Customer | Stripe.DeletedCustomer): ExternalCustomer {
  if ('deleted' in c && c.deleted)
    return { externalId: c.id, name: null, email: null, internalId: null, deleted: true };
  const customer = c as Stripe.Customer;
  return {
    externalId: customer.id,
    name: customer.name ?? null,
    email: customer.email ?? null,
    internalId: customer.metadata?.[INTERNAL_ID_KEY] || null,
    deleted: false,
  };
}
