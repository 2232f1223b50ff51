import { invalidRequest, missingParameter } from './errors.js';
import type { FormObject } from './form.js';
import { unixSeconds } from './ids.js';
import { allOf, createdFilter } from './list-filters.js';
import { type MetadataInput, readMetadata } from './metadata.js';
import {
  allowOnly,
  readBoolean,
  readCurrency,
  readEnum,
  readInteger,
  readRequiredString,
  readString,
} from './params.js';
import type { CollectionMethod, InvoiceStatus, StripeInvoice, StripeInvoiceItem } from './types.js';

// Validation of the invoice and invoice item parameters we support
// (https://docs.stripe.com/api/invoices/create, https://docs.stripe.com/api/invoiceitems/create). What depends on
// the invoice's state (which fields a finalized invoice still accepts) is checked by the invoice store.

const COLLECTION_METHODS: readonly CollectionMethod[] = ['charge_automatically', 'send_invoice'];
// In the order Stripe's own error message lists them.
const STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'void', 'paid', 'uncollectible'];

/** Stripe's limit for amounts in the smallest currency unit (eight digits: $999,999.99). */
const MAX_AMOUNT = 99_999_999;

/** Due terms: a fixed date or a number of days, never both; `send_invoice` invoices only. */
export interface DueTerms {
  dueDate?: number;
  daysUntilDue?: number;
}

export interface InvoiceCreateInput extends DueTerms {
  customer: string;
  collectionMethod: CollectionMethod;
  currency: string;
  description: string | null;
  metadata?: MetadataInput;
  autoAdvance: boolean;
  /** `pending_invoice_items_behavior=include`: the customer's pending items become lines of the new invoice. */
  includePendingItems: boolean;
}

export interface InvoiceUpdateInput extends DueTerms {
  collectionMethod?: CollectionMethod;
  description?: string | null;
  metadata?: MetadataInput;
  autoAdvance?: boolean;
}

export interface InvoiceItemCreateInput {
  customer: string;
  invoice?: string;
  amount: number;
  currency: string;
  description: string | null;
  metadata?: MetadataInput;
}

export interface InvoiceItemUpdateInput {
  amount?: number;
  description?: string | null;
  metadata?: MetadataInput;
}

const EDITABLE = ['description', 'metadata', 'auto_advance', 'collection_method', 'days_until_due', 'due_date'];

export function readInvoiceCreate(params: FormObject): InvoiceCreateInput {
  allowOnly(params, [...EDITABLE, 'customer', 'currency', 'pending_invoice_items_behavior', 'expand']);
  const customer = readRequiredString(params, 'customer');
  const collectionMethod = readEnum(params, 'collection_method', COLLECTION_METHODS) ?? 'charge_automatically';
  const terms = readDueTerms(params);
  checkDueTerms(collectionMethod, terms);
  const metadata = readMetadata(params.metadata);
  const pending = readEnum(params, 'pending_invoice_items_behavior', ['exclude', 'include'] as const);
  return {
    customer,
    collectionMethod,
    ...terms,
    // Stripe uses the customer's currency; customers here have none until invoiced, so Stripe's fallback, usd.
    currency: readCurrency(params) ?? 'usd',
    description: readString(params, 'description') ?? null,
    ...(metadata && { metadata }),
    // https://docs.stripe.com/api/invoices/create#create_invoice-auto_advance: "Defaults to false."
    autoAdvance: readBoolean(params, 'auto_advance') ?? false,
    includePendingItems: pending === 'include',
  };
}

export function readInvoiceUpdate(params: FormObject): InvoiceUpdateInput {
  allowOnly(params, [...EDITABLE, 'expand']);
  const collectionMethod = readEnum(params, 'collection_method', COLLECTION_METHODS);
  const description = readString(params, 'description');
  const metadata = readMetadata(params.metadata);
  const autoAdvance = readBoolean(params, 'auto_advance');
  return {
    ...(collectionMethod && { collectionMethod }),
    ...(description !== undefined && { description }),
    ...(metadata && { metadata }),
    ...(autoAdvance !== undefined && { autoAdvance }),
    ...readDueTerms(params),
  };
}

/** The due terms must fit the collection method; the wording is Stripe's and names no parameter. */
export function checkDueTerms(method: CollectionMethod, terms: DueTerms): void {
  if (terms.dueDate !== undefined && terms.daysUntilDue !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: days_until_due, due_date.', 'due_date');
  }
  const hasTerms = terms.dueDate !== undefined || terms.daysUntilDue !== undefined;
  if (method === 'send_invoice' && !hasTerms) {
    throw invalidRequest(
      "If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.",
    );
  }
  if (method === 'charge_automatically' && hasTerms) {
    throw invalidRequest(
      "You can only specify 'due_date' or 'days_until_due' if invoice collection method is 'send_invoice'.",
    );
  }
}

function readDueTerms(params: FormObject): DueTerms {
  const dueDate = readInteger(params, 'due_date');
  // Stripe refuses due dates in the past (https://github.com/stripe/stripe-python/issues/925).
  if (dueDate !== undefined && dueDate <= unixSeconds()) {
    throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'due_date');
  }
  const daysUntilDue = readInteger(params, 'days_until_due');
  if (daysUntilDue !== undefined && daysUntilDue < 0) {
    throw invalidRequest(
      `This value must be greater than or equal to 0 (it currently is ${daysUntilDue}).`,
      'days_until_due',
    );
  }
  return { ...(dueDate !== undefined && { dueDate }), ...(daysUntilDue !== undefined && { daysUntilDue }) };
}

export function readInvoiceItemCreate(params: FormObject): InvoiceItemCreateInput {
  allowOnly(params, ['customer', 'invoice', 'amount', 'currency', 'description', 'metadata', 'expand']);
  const customer = readRequiredString(params, 'customer');
  const invoice = readString(params, 'invoice') ?? undefined;
  const amount = readAmount(params);
  if (amount === undefined) throw missingParameter('amount');
  const currency = readCurrency(params);
  if (currency === undefined) throw missingParameter('currency');
  const metadata = readMetadata(params.metadata);
  return {
    customer,
    ...(invoice !== undefined && { invoice }),
    amount,
    currency,
    description: readString(params, 'description') ?? null,
    ...(metadata && { metadata }),
  };
}

export function readInvoiceItemUpdate(params: FormObject): InvoiceItemUpdateInput {
  allowOnly(params, ['amount', 'description', 'metadata', 'expand']);
  const amount = readAmount(params);
  const description = readString(params, 'description');
  const metadata = readMetadata(params.metadata);
  return {
    ...(amount !== undefined && { amount }),
    ...(description !== undefined && { description }),
    ...(metadata && { metadata }),
  };
}

/** Negative amounts are credits, which Stripe allows on invoice items; the size limit holds both ways. */
function readAmount(params: FormObject): number | undefined {
  const amount = readInteger(params, 'amount');
  if (amount !== undefined && Math.abs(amount) > MAX_AMOUNT) {
    throw invalidRequest(
      `Amount must be no more than ${MAX_AMOUNT} in the currency's smallest unit ($999,999.99).`,
      'amount',
      'amount_too_large',
    );
  }
  return amount;
}

/** `/pay`: only `paid_out_of_band`, since the emulator has no payment methods to charge. */
export function readPayInput(params: FormObject): { paidOutOfBand: boolean } {
  allowOnly(params, ['paid_out_of_band', 'expand']);
  return { paidOutOfBand: readBoolean(params, 'paid_out_of_band') ?? false };
}

export function readFinalizeInput(params: FormObject): { autoAdvance?: boolean } {
  allowOnly(params, ['auto_advance', 'expand']);
  const autoAdvance = readBoolean(params, 'auto_advance');
  return autoAdvance === undefined ? {} : { autoAdvance };
}

/** `GET /v1/invoices` filters (https://docs.stripe.com/api/invoices/list). */
export function readInvoiceListFilter(params: FormObject): (invoice: StripeInvoice) => boolean {
  const customer = readString(params, 'customer');
  const status = readEnum(params, 'status', STATUSES);
  const method = readEnum(params, 'collection_method', COLLECTION_METHODS);
  const created = createdFilter(params.created);
  return allOf<StripeInvoice>([
    customer ? (invoice) => invoice.customer === customer : undefined,
    status ? (invoice) => invoice.status === status : undefined,
    method ? (invoice) => invoice.collection_method === method : undefined,
    created ? (invoice) => created(invoice.created) : undefined,
  ]);
}

/** `GET /v1/invoiceitems` filters; `pending=true` keeps the items on no invoice yet, `false` the others. */
export function readInvoiceItemListFilter(params: FormObject): (item: StripeInvoiceItem) => boolean {
  const customer = readString(params, 'customer');
  const invoice = readString(params, 'invoice');
  const pending = readBoolean(params, 'pending');
  const created = createdFilter(params.created);
  return allOf<StripeInvoiceItem>([
    customer ? (item) => item.customer === customer : undefined,
    invoice ? (item) => item.invoice === invoice : undefined,
    pending === undefined ? undefined : (item) => (item.invoice === null) === pending,
    // An item's creation time is its `date`.
    created ? (item) => created(item.date) : undefined,
  ]);
}
