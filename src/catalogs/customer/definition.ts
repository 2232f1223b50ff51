import type { CatalogDefinition } from '../../core/catalog.js';
import { ValidationError } from '../../core/errors.js';
import { Customer } from './entity.js';
import { canonicalCustomer, normalizeCustomerFields, type CustomerFields } from './validation.js';

export const CUSTOMER = 'CUSTOMER';

/** The customer catalog: name and email, linked across systems by email. */
export const customerCatalog: CatalogDefinition<CustomerFields> = {
  entityType: CUSTOMER,
  label: 'Customer',
  entity: Customer,
  fields: ['name', 'email'],
  canonical: canonicalCustomer,
  normalize: normalizeCustomerFields,
  naturalKey: 'email',
  fromRemote(values) {
    const c = canonicalCustomer({ name: values.name ?? null, email: values.email ?? null });
    if (!c.email) return { skip: 'record has no email address' };
    // Our catalog needs a name; a provider record without one gets its email (as written there) as name. What the
    // provider itself holds (no name) is what the mapping records, so our next write still sends the name.
    try {
      const name = c.name || String(values.email).trim();
      return { fields: normalizeCustomerFields({ name, email: c.email }) as CustomerFields };
    } catch (err) {
      if (err instanceof ValidationError) return { skip: err.message };
      throw err;
    }
  },
};
