import type { CustomerSnapshot } from '../domain/customer-service.js';
import type { Provider } from '../domain/enums.js';

/** A customer as a provider holds it, mapped to our field names by the connector's pure mappers. */
export interface ExternalCustomer {
  externalId: string;
  name: string | null;
  email: string | null;
  /** Our customer id if the provider record carries it (Stripe metadata.internal_id, Salesforce External ID). */
  internalId: string | null;
  deleted: boolean;
}

export interface WriteOptions {
  /** Derived from the event id: a retried write is applied once. */
  idempotencyKey: string;
}

/** Outbound writes, reads for inbound/backfill, for one entity type at one provider. */
export interface CustomerPort {
  create(customer: CustomerSnapshot, opts: WriteOptions): Promise<ExternalCustomer>;
  update(externalId: string, customer: CustomerSnapshot, opts: WriteOptions): Promise<ExternalCustomer>;
  /** Deleting what is already gone succeeds. */
  delete(externalId: string, opts: WriteOptions): Promise<void>;
  /** The provider's current record; `deleted: true` (or undefined when unknown) if it no longer exists. */
  fetch(externalId: string): Promise<ExternalCustomer | undefined>;
  /** Stores our id on the provider record, so later events and imports link without guessing. */
  linkInternalId(externalId: string, internalId: string, opts: WriteOptions): Promise<void>;
  /** Every record, paging through the provider's list API (backfill). */
  list(): AsyncIterable<ExternalCustomer>;
}

/** A change announced by a provider (webhook or poll), already verified. */
export interface InboundChange {
  /** The provider's event id: the inbox dedupe key. */
  eventId: string;
  entityType: 'CUSTOMER';
  externalId: string;
  /** True when the change is our own write coming back (idempotency key / client marker we set). */
  isEcho: boolean;
}

/** Everything catalog-sync needs from one provider. */
export interface Connector {
  readonly provider: Provider;
  readonly customers: CustomerPort;
  /** Turns one message from `inbound.<provider>` into the changes it announces (none if irrelevant). */
  parseInbound(message: unknown): InboundChange[];
  /** Idempotency key for a write caused by event `eventId`; recognizable in webhooks as ours. */
  idempotencyKey(eventId: string, operation: string): string;
}
