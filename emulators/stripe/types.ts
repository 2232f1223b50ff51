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

export type StripeEventType = 'customer.created' | 'customer.updated' | 'customer.deleted';

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: {
    object: StripeCustomer;
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
  idempotencyKey?: string;
  /** Status the client received; 0 when an injected fault dropped the connection. */
  status: number;
  /** True when the answer was replayed from the idempotency store. */
  replayed?: boolean;
}
