// Public entry point of the Stripe emulator: a stateful HTTP server speaking the part of Stripe's v1 API that
// catalog-sync uses (customers, invoices, invoice items, events, idempotency, errors, signed webhooks), so the
// unmodified stripe-node client can be pointed at it with `new Stripe(key, { host: '127.0.0.1', port, protocol:
// 'http' })`.
export {
  DEFAULT_API_KEY,
  DEFAULT_API_VERSION,
  DEFAULT_WEBHOOK_SECRET,
  startStripeEmulator,
  type StripeEmulator,
  type StripeEmulatorOptions,
} from './server.js';
export type {
  CollectionMethod,
  FaultSpec,
  HeldReply,
  InvoiceStatus,
  Metadata,
  RequestLogEntry,
  StripeCustomer,
  StripeDeletedCustomer,
  StripeDeletedInvoice,
  StripeDeletedInvoiceItem,
  StripeEvent,
  StripeEventObject,
  StripeEventType,
  StripeInvoice,
  StripeInvoiceItem,
  StripeInvoiceLineItem,
  StripeList,
} from './types.js';
export type { StripeState } from './store.js';
export type { WebhookHold } from './webhook-holds.js';
export { REALISTIC_WEBHOOK_POLICY, type WebhookRetryOptions } from './webhook-policy.js';
export { signatureHeader, type PendingWebhook } from './webhooks.js';
