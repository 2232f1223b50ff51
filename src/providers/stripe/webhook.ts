import type Stripe from 'stripe';
import { CUSTOMER } from '../../catalogs/customer/definition.js';
import { INVOICE } from '../../catalogs/invoice/definition.js';
import type { InboundChange, RemoteRecord } from '../../core/provider.js';
import { fromStripeInvoice } from './invoice-mappers.js';
import { fromStripeCustomer } from './mappers.js';

/**
 * Stripe webhook handling. Signatures are checked by stripe-node's constructEvent over the raw request bytes
 * (https://docs.stripe.com/webhooks#verify-events): any re-serialized body fails verification, so the route
 * must not run a JSON body parser first. Timestamps older than the tolerance are rejected (replay protection).
 */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `kind`: the signature is missing or wrong, or the signed body is not a JSON event. */
export type VerifyResult =
  { ok: true; event: Stripe.Event } | { ok: false; reason: string; kind: 'signature' | 'malformed' };

export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): VerifyResult {
  if (!signature) return { ok: false, reason: 'missing Stripe-Signature header', kind: 'signature' };
  try {
    return { ok: true, event: stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'signature verification failed';
    return { ok: false, reason, kind: err instanceof SyntaxError ? 'malformed' : 'signature' };
  }
}

/** How a record each kind of event is about reads, by the object's type (`object` on the wire). */
const READERS = {
  customer: { entityType: CUSTOMER, read: fromStripeCustomer as (object: never) => RemoteRecord },
  invoice: { entityType: INVOICE, read: fromStripeInvoice as (object: never) => RemoteRecord },
};

/** The events we act on, by the object they concern; `deleted` events carry no record worth comparing. */
type EventKind = { object: keyof typeof READERS; deleted: boolean };
const EVENTS: ReadonlyMap<string, EventKind> = new Map<string, EventKind>([
  ['customer.created', { object: 'customer', deleted: false }],
  ['customer.updated', { object: 'customer', deleted: false }],
  ['customer.deleted', { object: 'customer', deleted: true }],
  // Every step of an invoice's lifecycle has an event of its own
  // (https://docs.stripe.com/api/events/types#event_types-invoice.created); each only says "read it again".
  // Invoice item events are left out: a change of items that changes the total comes with `invoice.updated`.
  ...['created', 'updated', 'finalized', 'paid', 'voided', 'marked_uncollectible'].map((e): [string, EventKind] => [
    `invoice.${e}`,
    { object: 'invoice', deleted: false },
  ]),
  ['invoice.deleted', { object: 'invoice', deleted: true }],
]);

/**
 * The Kafka key for an event: the Stripe object id, so one record's events stay in order (the event id for an
 * event without an object: the inbound worker ignores it, and it must not be refused, or Stripe retries it for
 * days).
 */
export function stripeEventKey(event: Stripe.Event): string {
  const id = (event.data as { object?: { id?: unknown } } | undefined)?.object?.id;
  return typeof id === 'string' ? id : event.id;
}

/**
 * What a (verified) Stripe event announces. Our own writes carry the idempotency key we set (prefix
 * `ourKeyPrefix`), which Stripe echoes in `event.request.idempotency_key`
 * (https://docs.stripe.com/api/events/object#event_object-request).
 */
export function parseStripeEvent(message: unknown, ourKeyPrefix: string): InboundChange[] {
  const event = message as Partial<Stripe.Event> | null;
  const kind = event && typeof event.type === 'string' ? EVENTS.get(event.type) : undefined;
  if (!event || typeof event.id !== 'string' || !kind) return [];
  const object = event.data?.object as { id?: unknown; object?: unknown } | undefined;
  if (!object || typeof object.id !== 'string' || object.object !== kind.object) return [];
  const { entityType, read } = READERS[kind.object];
  const key = event.request?.idempotency_key ?? null;
  // A deleted record read back is bare, but its `*.deleted` event still shows it with our id: that names the local
  // record when the delete races our create of it.
  const record = read({ ...object, deleted: undefined } as never);
  const change: InboundChange = {
    eventId: event.id,
    entityType,
    externalId: object.id,
    markedOurs: typeof key === 'string' && key.startsWith(ourKeyPrefix),
    announced: kind.deleted ? { ...record, deleted: true, values: {} } : record,
  };
  return [change];
}
