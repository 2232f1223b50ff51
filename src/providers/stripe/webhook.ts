import type Stripe from 'stripe';
import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { EntityType } from '../../core/enums.js';
import type { InboundChange } from '../../core/provider.js';
import { fromStripeCustomer } from './mappers.js';

/**
 * Stripe webhook handling. Signatures are checked by stripe-node's constructEvent over the raw request bytes
 * (https://docs.stripe.com/webhooks#verify-events): any re-serialized body fails verification, so the route
 * must not run a JSON body parser first. Timestamps older than the tolerance are rejected (replay protection).
 */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type VerifyResult = { ok: true; event: Stripe.Event } | { ok: false; reason: string };

export function verifyStripeWebhook(
  stripe: Stripe,
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): VerifyResult {
  if (!signature) return { ok: false, reason: 'missing Stripe-Signature header' };
  try {
    return { ok: true, event: stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'signature verification failed' };
  }
}

/** The events we act on, by the catalog they concern; `deleted` events carry no record worth comparing. */
const EVENTS: ReadonlyMap<string, { entityType: EntityType; deleted: boolean }> = new Map([
  ['customer.created', { entityType: CUSTOMER, deleted: false }],
  ['customer.updated', { entityType: CUSTOMER, deleted: false }],
  ['customer.deleted', { entityType: CUSTOMER, deleted: true }],
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
  if (!object || typeof object.id !== 'string') return [];
  const key = event.request?.idempotency_key ?? null;
  const change: InboundChange = {
    eventId: event.id,
    entityType: kind.entityType,
    externalId: object.id,
    markedOurs: typeof key === 'string' && key.startsWith(ourKeyPrefix),
  };
  if (object.object === 'customer') {
    // A deleted customer read back is bare, but the `customer.deleted` event still shows it with our id: that
    // names the local record when the delete races our create of it.
    const customer = fromStripeCustomer({ ...(object as Stripe.Customer), deleted: undefined } as Stripe.Customer);
    change.announced = kind.deleted ? { ...customer, deleted: true, values: {} } : customer;
  }
  return [change];
}
