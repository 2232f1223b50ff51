import type { EntityClass } from '@mikro-orm/core';
import type { CatalogDefinition, CatalogRow } from '../../core/catalog.js';
import { ValidationError } from '../../core/errors.js';
import { customerCatalog } from '../customer/definition.js';
import { Invoice, InvoiceStatus } from './entity.js';
import { normalizeInvoiceFields, canonicalInvoice, type InvoiceFields } from './validation.js';

export const INVOICE = 'INVOICE';

const { DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE } = InvoiceStatus;

/**
 * The invoice catalog: an amount owed by one customer, with Stripe's invoice lifecycle
 * (https://docs.stripe.com/invoicing/overview#invoice-lifecycle): draft -> open -> paid | void | uncollectible, and
 * uncollectible -> paid | void. The amount, currency and customer are settled when it is finalized.
 */
export const invoiceCatalog: CatalogDefinition<InvoiceFields> = {
  entityType: INVOICE,
  label: 'Invoice',
  // Nullable columns read as `T | null | undefined`; the engine only ever sees them as stored (null).
  entity: Invoice as unknown as EntityClass<CatalogRow<InvoiceFields>>,
  fields: ['customerId', 'number', 'amountCents', 'currency', 'status', 'description', 'dueDate'],
  canonical: canonicalInvoice,
  normalize: normalizeInvoiceFields,
  parents: [{ field: 'customerId', catalog: () => customerCatalog }],
  lifecycle: {
    field: 'status',
    initial: DRAFT,
    transitions: { [DRAFT]: [OPEN], [OPEN]: [PAID, VOID, UNCOLLECTIBLE], [UNCOLLECTIBLE]: [PAID, VOID] },
    // "Once an invoice is finalized, monetary values, as well as collection_method, become uneditable"
    // (https://docs.stripe.com/api/invoices/update); description and due date stay editable, and the number comes
    // from Stripe after finalizing. A due date means something only until the invoice is settled, and Stripe
    // refuses to change it after that.
    frozenUnless: { customerId: [DRAFT], amountCents: [DRAFT], currency: [DRAFT], dueDate: [DRAFT, OPEN] },
    // Stripe deletes only drafts (https://docs.stripe.com/api/invoices/delete); a finalized invoice is voided.
    deletableIn: [DRAFT],
  },
  fromRemote(values) {
    try {
      const fields = normalizeInvoiceFields({
        customerId: values.customerId ?? null,
        number: values.number ?? null,
        amountCents: values.amountCents ?? 0,
        currency: values.currency ?? null,
        status: values.status ?? DRAFT,
        description: values.description ?? null,
        dueDate: values.dueDate ?? null,
      });
      return { fields: fields as InvoiceFields };
    } catch (err) {
      if (err instanceof ValidationError) return { skip: err.message };
      throw err;
    }
  },
};
