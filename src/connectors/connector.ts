import type { CustomerSnapshot } from '../domain/customer-service.js';
import type { Provider } from '../domain/enums.js';
import type { ProviderError } from './provider-error.js';

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

/** One outbound change: create-or-update (externalId unknown = create), or delete. */
export interface CustomerWrite {
  op: 'upsert' | 'delete';
  customer: CustomerSnapshot;
  /** The provider's id when the record is already linked. */
  externalId: string | undefined;
  /**
   * For updates of linked records: only the fields that differ from what the provider last held. A provider
   * edit to another field since then is not overwritten. Undefined = unknown, send everything; empty = nothing
   * to send.
   */
  changed?: Partial<Record<SyncedField, string>> | undefined;
  /** Derived from the event id: a retried write is applied once. */
  idempotencyKey: string;
}

export type SyncedField = 'name' | 'email';

/** A failed write may still have created the record (e.g. step one of two): then `externalId` says which. */
export type WriteResult =
  { ok: true; externalId: string | null } | { ok: false; error: ProviderError; externalId?: string };

/** Outbound writes, reads for inbound/backfill, for one entity type at one provider. */
export interface CustomerPort {
  /**
   * Applies the writes (in batches where the provider supports it) and returns one result per write, in order.
   * A failure of one record is its result; deleting what is already gone succeeds.
   */
  write(writes: CustomerWrite[]): Promise<WriteResult[]>;
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
  /**
   * The record as the event carried it, when it did. Only used to recognize echoes without an API call (same
   * content as we last synced); what gets applied is always the re-fetched current record.
   */
  announced?: ExternalCustomer;
}

/** Everything catalog-sync needs from one provider. */
export interface Connector {
  readonly provider: Provider;
  /** How many writes one `write()` call should carry (the provider's batch API limit, or a latency bound). */
  readonly maxBatchSize: number;
  readonly customers: CustomerPort;
  /** Turns one message from `inbound.<provider>` into the changes it announces (none if irrelevant). */
  parseInbound(message: unknown): InboundChange[];
  /** Daily API usage as the provider last reported it, where it does (Salesforce Sforce-Limit-Info). */
  apiUsage?(): { used: number; limit: number } | undefined;
  /** Idempotency key for a write caused by event `eventId`; recognizable in webhooks as ours. */
  idempotencyKey(eventId: string, operation: string): string;
}
