import type Stripe from 'stripe';
import type { InvoiceFields } from '../../catalogs/invoice/validation.js';
import type { RecordSnapshot } from '../../core/catalog.js';
import { pathBetween } from '../../core/lifecycle.js';
import type { RemoteRecord } from '../../core/provider.js';
import { INTERNAL_ID_KEY } from './mappers.js';

/**
 * Pure mappings between our invoice and Stripe's Invoice (https://docs.stripe.com/api/invoices/object). The amount
 * is one invoice item on the invoice (Stripe computes `total` from its items); our id is in metadata, as on
 * customers. Invoices are sent, not charged (`collection_method: send_invoice`): the catalog records payments, it
 * does not take them.
 */

/** Stripe's `send_invoice` needs a due date or a number of days; ours may have neither. */
export const DEFAULT_DAYS_UNTIL_DUE = 30;

/** The invoice's states at Stripe and the call that moves it into each (https://docs.stripe.com/invoicing/overview). */
export type StripeMove = 'open' | 'paid' | 'void' | 'uncollectible';
const MOVES: Readonly<Record<string, readonly StripeMove[]>> = {
  draft: ['open'],
  open: ['paid', 'void', 'uncollectible'],
  uncollectible: ['paid', 'void'],
};

/**
 * The moves that take a Stripe invoice from `from` to `to`, shortest first (a local draft paid before it ever
 * reached Stripe is finalized, then paid); undefined when Stripe cannot get there (a paid invoice cannot be voided).
 */
export function movesBetween(from: string, to: string): StripeMove[] | undefined {
  return pathBetween(MOVES, from, to);
}

/**
 * A due day (`YYYY-MM-DD`) as Stripe's timestamp: the day's last second in UTC, so the day reads back the same and
 * an invoice due today is not already overdue.
 */
export function toDueTimestamp(day: string): number {
  return Date.parse(`${day}T23:59:59Z`) / 1000;
}

/** A Stripe timestamp as the calendar day (UTC) it falls on. */
export function fromTimestamp(seconds: number | null | undefined): string | null {
  return seconds == null ? null : new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** A new draft for the customer (`customerId`: theirs), empty until its item is added. */
export function toStripeInvoiceCreateParams(
  inv: RecordSnapshot<InvoiceFields>,
  customerId: string,
): Stripe.InvoiceCreateParams {
  return {
    customer: customerId,
    collection_method: 'send_invoice',
    ...(inv.dueDate ? { due_date: toDueTimestamp(inv.dueDate) } : { days_until_due: DEFAULT_DAYS_UNTIL_DUE }),
    currency: inv.currency.toLowerCase(),
    // Stripe sends no emails and charges nothing by itself: only our calls move the invoice on.
    auto_advance: false,
    // Only the item we add belongs on it, not whatever else is pending for the customer.
    pending_invoice_items_behavior: 'exclude',
    ...(inv.description ? { description: inv.description } : {}),
    metadata: { [INTERNAL_ID_KEY]: inv.id },
  };
}

/** The item that carries the invoice's amount. */
export function toStripeItemParams(
  inv: RecordSnapshot<InvoiceFields>,
  customerId: string,
  invoiceId: string,
): Stripe.InvoiceItemCreateParams {
  return {
    customer: customerId,
    invoice: invoiceId,
    amount: inv.amountCents,
    currency: inv.currency.toLowerCase(),
    metadata: { [INTERNAL_ID_KEY]: inv.id },
  };
}

/**
 * The edits of an existing invoice that Stripe makes in place (description, due date, our id); amounts, currency
 * and status have calls of their own. Undefined when there is nothing to send.
 */
export function toStripeInvoiceUpdateParams(
  inv: RecordSnapshot<InvoiceFields>,
  changed: Partial<InvoiceFields>,
  ourIdMissing: boolean,
): Stripe.InvoiceUpdateParams | undefined {
  const params: Stripe.InvoiceUpdateParams = {};
  // An empty string unsets a field on Stripe.
  if (changed.description !== undefined) params.description = changed.description ?? '';
  // A sent invoice always has a due date at Stripe (or days to it): clearing ours leaves Stripe's, which comes back.
  if (changed.dueDate !== undefined && changed.dueDate !== null) params.due_date = toDueTimestamp(changed.dueDate);
  if (ourIdMissing) params.metadata = { [INTERNAL_ID_KEY]: inv.id };
  return Object.keys(params).length > 0 ? params : undefined;
}

export function fromStripeInvoice(inv: Stripe.Invoice | Stripe.DeletedInvoice): RemoteRecord<InvoiceFields> {
  if ('deleted' in inv && inv.deleted) return { externalId: inv.id, internalId: null, deleted: true, values: {} };
  const invoice = inv as Stripe.Invoice;
  const customer = invoice.customer;
  return {
    externalId: invoice.id!,
    internalId: invoice.metadata?.[INTERNAL_ID_KEY] || null,
    deleted: false,
    values: {
      // Stripe's id of the customer: the engine puts ours in its place.
      customerId: typeof customer === 'string' ? customer : (customer?.id ?? null),
      number: invoice.number ?? null,
      amountCents: invoice.total,
      currency: invoice.currency,
      status: invoice.status ?? null,
      description: invoice.description ?? null,
      dueDate: fromTimestamp(invoice.due_date),
    },
  };
}

/**
 * Stripe holds values it assigned that the record lacks (a number, a due date it computed): e.g. a finalize applied
 * at Stripe whose reply was lost, found done when the write is repeated. The engine must read them back.
 */
export function holdsUnreadValues(current: Stripe.Invoice, inv: RecordSnapshot<InvoiceFields>): boolean {
  const held = fromStripeInvoice(current).values;
  return (held.number ?? null) !== inv.number || (held.dueDate != null && held.dueDate !== inv.dueDate);
}
