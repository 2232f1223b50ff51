import type { InvoiceCreateInput, InvoiceItemCreateInput } from './invoice-params.js';
import type { Metadata, StripeInvoice, StripeInvoiceItem, StripeInvoiceLineItem } from './types.js';

// The wire shapes of invoices, their lines and invoice items, and the arithmetic that ties an invoice's totals to
// its lines. Pure functions: the invoice store decides when they apply.

/** An invoice embeds its first 10 lines, like Stripe; `GET /v1/invoices/:id/lines` pages through all of them. */
export const EMBEDDED_LINES = 10;
export const SECONDS_PER_DAY = 24 * 60 * 60;

export function newInvoice(
  id: string,
  input: InvoiceCreateInput,
  metadata: Metadata,
  created: number,
  lines: StripeInvoiceLineItem[],
): StripeInvoice {
  const invoice: StripeInvoice = {
    id,
    object: 'invoice',
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance,
    automatically_finalizes_at: null,
    billing_reason: 'manual',
    collection_method: input.collectionMethod,
    created,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    default_payment_method: null,
    default_source: null,
    description: input.description,
    discounts: [],
    due_date: dueDate(input, created),
    effective_at: null,
    ending_balance: null,
    footer: null,
    last_finalization_error: null,
    lines: { object: 'list', data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata,
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_taxes: [],
  };
  return withLines(invoice, lines);
}

/**
 * A draft's due date: the fixed one, or `days_until_due` days from `from` (creation; finalizing recomputes it from
 * the finalization time). Null for `charge_automatically`, which has no due date.
 */
export function dueDate(terms: { dueDate?: number; daysUntilDue?: number }, from: number): number | null {
  if (terms.dueDate !== undefined) return terms.dueDate;
  if (terms.daysUntilDue !== undefined) return from + terms.daysUntilDue * SECONDS_PER_DAY;
  return null;
}

/**
 * The invoice with these lines and the totals they add up to. No discounts or taxes here, so subtotal = total; a
 * negative total (credits) leaves nothing due, as on Stripe, where the rest goes to the customer's balance.
 */
export function withLines(invoice: StripeInvoice, lines: StripeInvoiceLineItem[]): StripeInvoice {
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const amountDue = Math.max(total, 0);
  return {
    ...invoice,
    lines: {
      ...invoice.lines,
      data: lines.slice(0, EMBEDDED_LINES),
      has_more: lines.length > EMBEDDED_LINES,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    amount_due: amountDue,
    amount_remaining: amountDue - invoice.amount_paid,
  };
}

/** The invoice paid in full at `at` (out of band, or because nothing was due). */
export function paidInvoice(invoice: StripeInvoice, at: number): StripeInvoice {
  return {
    ...invoice,
    status: 'paid',
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    status_transitions: { ...invoice.status_transitions, paid_at: at },
  };
}

export function newInvoiceItem(
  id: string,
  input: InvoiceItemCreateInput,
  metadata: Metadata,
  date: number,
): StripeInvoiceItem {
  return {
    id,
    object: 'invoiceitem',
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date,
    description: input.description,
    discountable: true,
    discounts: [],
    invoice: input.invoice ?? null,
    livemode: false,
    metadata,
    parent: null,
    period: { end: date, start: date },
    pricing: null,
    proration: false,
    quantity: 1,
    tax_rates: [],
    test_clock: null,
  };
}

/** The line an invoice item makes on its invoice: Stripe mirrors the item's amount, description and metadata. */
export function lineOf(item: StripeInvoiceItem, lineId: string, invoiceId: string): StripeInvoiceLineItem {
  return {
    id: lineId,
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata,
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice_item: item.id,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: null,
    quantity: item.quantity,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}
