import type { ReplyFaultSpec } from '../shared/reply-faults.js';
// Wire shapes of the Stripe objects the emulator serves. They mirror the JSON real Stripe returns (snake_case,
// explicit nulls) so code written against the emulator reads real payloads the same way.

export type Metadata = Record<string, string>;

export interface StripeCustomer {
  id: string;
  object: 'customer';
  address: null;
  balance: number;
  created: number;
  currency: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  discount: null;
  email: string | null;
  invoice_prefix: string;
  invoice_settings: {
    custom_fields: null;
    default_payment_method: null;
    footer: null;
    rendering_options: null;
  };
  livemode: false;
  metadata: Metadata;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: string[];
  shipping: null;
  tax_exempt: 'none';
  test_clock: null;
}

/** What Stripe answers for a deleted customer (on DELETE and on every later GET). */
export interface StripeDeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
export type CollectionMethod = 'charge_automatically' | 'send_invoice';

/**
 * https://docs.stripe.com/api/invoices/object as of the pinned API version: no `paid` and no `days_until_due`
 * (stripe-node's `Stripe.Invoice` has neither), amounts in the currency's smallest unit.
 */
export interface StripeInvoice {
  id: string;
  object: 'invoice';
  amount_due: number;
  amount_overpaid: number;
  amount_paid: number;
  amount_remaining: number;
  amount_shipping: number;
  application: null;
  attempt_count: number;
  attempted: boolean;
  auto_advance: boolean;
  automatically_finalizes_at: null;
  billing_reason: 'manual';
  collection_method: CollectionMethod;
  created: number;
  currency: string;
  customer: string;
  customer_account: null;
  default_payment_method: null;
  default_source: null;
  description: string | null;
  discounts: [];
  due_date: number | null;
  effective_at: number | null;
  ending_balance: number | null;
  footer: null;
  last_finalization_error: null;
  /** The first lines (at most 10, like Stripe); the rest are at `lines.url`. */
  lines: StripeList<StripeInvoiceLineItem>;
  livemode: false;
  metadata: Metadata;
  next_payment_attempt: null;
  number: string | null;
  on_behalf_of: null;
  parent: null;
  period_end: number;
  period_start: number;
  post_payment_credit_notes_amount: number;
  pre_payment_credit_notes_amount: number;
  receipt_number: null;
  starting_balance: number;
  statement_descriptor: null;
  status: InvoiceStatus;
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  subtotal: number;
  subtotal_excluding_tax: number;
  test_clock: null;
  total: number;
  total_discount_amounts: [];
  total_excluding_tax: number;
  total_taxes: [];
}

/** A line of an invoice; each one here comes from an invoice item (https://docs.stripe.com/api/invoice-line-item). */
export interface StripeInvoiceLineItem {
  id: string;
  object: 'line_item';
  amount: number;
  currency: string;
  description: string | null;
  discount_amounts: [];
  discountable: boolean;
  discounts: [];
  invoice: string;
  livemode: false;
  metadata: Metadata;
  parent: {
    type: 'invoice_item_details';
    invoice_item_details: {
      invoice_item: string;
      proration: false;
      proration_details: { credited_items: null };
      subscription: null;
    };
    subscription_item_details: null;
  };
  period: { end: number; start: number };
  pretax_credit_amounts: [];
  pricing: null;
  quantity: number;
  subscription: null;
  subtotal: number;
  taxes: [];
}

/** https://docs.stripe.com/api/invoiceitems/object; `invoice` is null while the item is pending. */
export interface StripeInvoiceItem {
  id: string;
  object: 'invoiceitem';
  amount: number;
  currency: string;
  customer: string;
  customer_account: null;
  date: number;
  description: string | null;
  discountable: boolean;
  discounts: [];
  invoice: string | null;
  livemode: false;
  metadata: Metadata;
  parent: null;
  period: { end: number; start: number };
  pricing: null;
  proration: false;
  quantity: number;
  tax_rates: [];
  test_clock: null;
}

/** What Stripe answers on DELETE of an invoice or invoice item (later GETs answer 404). */
export interface StripeDeletedObject<T extends 'invoice' | 'invoiceitem'> {
  id: string;
  object: T;
  deleted: true;
}
export type StripeDeletedInvoice = StripeDeletedObject<'invoice'>;
export type StripeDeletedInvoiceItem = StripeDeletedObject<'invoiceitem'>;

/**
 * The event types the emulator sends. No `invoiceitem.updated`: Stripe removed it from the API on 2023-09-04
 * (https://docs.stripe.com/changelog#september-4,-2023) and stripe-node no longer lists it.
 */
export type StripeEventType =
  | 'customer.created'
  | 'customer.updated'
  | 'customer.deleted'
  | 'invoice.created'
  | 'invoice.updated'
  | 'invoice.deleted'
  | 'invoice.finalized'
  | 'invoice.paid'
  | 'invoice.payment_succeeded'
  | 'invoice.voided'
  | 'invoice.marked_uncollectible'
  | 'invoiceitem.created'
  | 'invoiceitem.deleted';

export type StripeEventObject = StripeCustomer | StripeInvoice | StripeInvoiceItem;

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: {
    object: StripeEventObject;
    /** Only on `*.updated`: the previous values of the fields that changed. */
    previous_attributes?: Record<string, unknown>;
  };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: StripeEventType;
}

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * An injected fault (fields shared with the Salesforce emulator: emulators/shared/reply-faults.ts). `path` is a
 * prefix of the URL path; a trailing `$` asks for the whole path (e.g. '/v1/customers$' is create and list, not
 * `/v1/customers/:id`). Phase 'before' acts like Stripe's rate limiters and load balancers: nothing is applied or
 * stored under the idempotency key. Phase 'after' stores the real reply under the key, so a retry with the same
 * key replays the real success.
 */
export interface FaultSpec extends ReplyFaultSpec {
  /**
   * Sends `Stripe-Should-Retry: true|false`. stripe-node retries a 429 only when this header says true,
   * while it retries 5xx on its own; leave unset to behave like a plain Stripe rate limit.
   */
  shouldRetry?: boolean;
  /** Overrides the error code (default 'rate_limit' for 429, none otherwise). */
  code?: string;
}

export type { HeldReply } from '../shared/holds.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** When the request arrived (ms since the epoch): what a per-second rate limit counts. */
  receivedAt: number;
  idempotencyKey?: string;
  /** Status the client received; 0 when an injected fault dropped the connection. */
  status: number;
  /** True when the answer was replayed from the idempotency store. */
  replayed?: boolean;
}
