import type { Router } from 'express';
import type { z } from 'zod';
import type { FieldValues, RawValues, RecordSnapshot } from './catalog.js';
import type { EntityType, ProviderId } from './enums.js';
import type { Logger } from './logger.js';
import type { ProviderError } from './provider-error.js';

/** A record as a provider holds it, mapped to the catalog's field names by the adapter's pure mappers. */
export interface RemoteRecord<F extends FieldValues = FieldValues> {
  externalId: string;
  /** Our record id if the provider record carries it (Stripe metadata, a Salesforce External ID field). */
  internalId: string | null;
  deleted: boolean;
  /**
   * What the provider holds, in our field names; empty where it holds nothing. Parent fields hold the PROVIDER's
   * id of the parent (e.g. a Stripe customer id): the engine replaces it with ours before anything compares it.
   */
  values: RawValues<F>;
}

/** One outbound change: create-or-update (externalId unknown = create), or delete. */
export interface RecordWrite<F extends FieldValues = FieldValues> {
  op: 'upsert' | 'delete';
  record: RecordSnapshot<F>;
  /** The provider's id when the record is already linked. */
  externalId: string | undefined;
  /**
   * For updates of linked records: only the fields that differ from what the provider last held, so a provider
   * edit to another field since then is not overwritten. Undefined = unknown, send everything; empty = nothing.
   */
  changed?: Partial<F> | undefined;
  /**
   * For updates of linked records: the provider record may not carry our id yet (it was made there): store it,
   * even when no field changed.
   */
  ourIdMissing?: boolean;
  /**
   * A create sent before whose outcome is unknown (e.g. its reply was lost): it must not make a second record, and
   * if the record the first send made has been deleted since, the result says so (`gone`, with that record's id)
   * instead of making it again.
   */
  resent?: boolean;
  /** Derived from the event id: a retried write is applied once. */
  idempotencyKey: string;
  /**
   * For catalogs with parents (`CatalogDefinition.parents`): each parent field's record as this provider knows it
   * (its id there), e.g. `{ customerId: 'cus_123' }`. The engine writes a record only once all of them are known.
   */
  parentIds?: Readonly<Record<string, string>>;
}

/**
 * One write's outcome. A failed create made nothing (the engine repeats it with the same key and data when the
 * failure was transient). `gone`: the provider says the record does not exist (deleted there), which the engine
 * applies as a remote delete; for a resent create, `externalId` names the deleted record the first send made.
 */
export type WriteResult = WriteSucceeded | { ok: false; error: ProviderError; gone?: boolean; externalId?: string };

export interface WriteSucceeded {
  ok: true;
  /**
   * The provider record that now holds the record. For a linked record it may differ from the linked one: the
   * provider could not change it in place and replaced it (a Stripe draft invoice cannot change its currency), and
   * the engine links the new one.
   */
  externalId: string | null;
  /**
   * The provider set values of its own in this write (Stripe numbers an invoice when it is finalized, and marks an
   * invoice with nothing to pay paid): the engine reads the record back through the inbound path, so those values
   * reach the catalog and the other providers. The provider's own event about it is ours, and dropped as an echo.
   */
  readBack?: boolean;
  /** The provider's id of the (last) request that made this write, for the sync history (Stripe's Request-Id). */
  requestId?: string | undefined;
}

/** Outbound writes and reads (inbound, backfill) for one catalog at one provider. */
export interface EntityAdapter<F extends FieldValues = FieldValues> {
  entityType: EntityType;
  /** How many writes one `write()` call should carry (the provider's batch API limit, or a latency bound). */
  maxBatchSize: number;
  /**
   * How many `write()` calls may run at once (default 1, so a burst fills whole batches: Salesforce counts calls).
   * More where a call is requests side by side (Stripe), so the rate limit stays busy while one waits for its tail.
   */
  maxCallsInFlight?: number;
  /**
   * Applies the writes (in batches where the provider supports it) and returns one result per write, in order.
   * A failure of one record is its result; deleting what is already gone succeeds.
   */
  write(writes: RecordWrite<F>[]): Promise<WriteResult[]>;
  /** The provider's current record; `deleted: true` (or undefined when unknown) if it no longer exists. */
  fetch(externalId: string): Promise<RemoteRecord<F> | undefined>;
  /**
   * Several records in one call, as `fetch` would give each, in the order asked. Optional: for a provider that
   * counts calls (Salesforce) the engine gathers concurrent reads into these, up to `maxReadBatch` ids a call.
   */
  fetchMany?(externalIds: readonly string[]): Promise<Array<RemoteRecord<F> | undefined>>;
  maxReadBatch?: number;
  /** The record's page in the provider's web app, for people (the admin console links it); none if unknown. */
  recordUrl?(externalId: string): string | undefined;
  /**
   * Live provider records whose natural key (the catalog's `naturalKey`, e.g. a customer's email) is that of one of
   * these records, oldest first: before creating a twin, the engine links one that is no one's twin instead of
   * making a duplicate (README, "Same natural key on two records"). Optional: without it, creates always create.
   */
  findByNaturalKey?(records: Partial<F>[]): Promise<RemoteRecord<F>[]>;
  /** Every record, paging through the provider's list API (backfill). */
  list(): AsyncIterable<RemoteRecord<F>>;
}

/** A change announced by a provider (webhook or poll), already verified. */
export interface InboundChange {
  /** The provider's event id: the inbox dedupe key. */
  eventId: string;
  entityType: EntityType;
  externalId: string;
  /** The provider marked it as caused by our own write (our idempotency key, our client name). */
  markedOurs: boolean;
  /**
   * The record as the event carried it, when it did. Only used to recognize echoes without an API call (same
   * content as we last synced); what gets applied is always the re-fetched current record.
   */
  announced?: RemoteRecord;
}

/** A message for the provider's inbound topic, keyed by the provider record id (its events stay in order). */
export interface InboundMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** Hands verified provider messages to `inbound.<provider>`; resolves once the broker has them. */
export type InboundQueue = (messages: InboundMessage[]) => Promise<void>;

/**
 * A periodic read of provider changes (e.g. Salesforce getUpdated/getDeleted). The engine runs one poller of a
 * name at a time across processes, stores its cursor, and queues what it returns on the inbound topic.
 */
export interface Poller {
  name: string;
  intervalMs: number;
  /** Changes since `cursor` (undefined on the very first run) and the cursor to resume from next time. */
  poll(cursor: string | undefined, now: Date): Promise<{ messages: InboundMessage[]; cursor: string }>;
}

export interface ProviderHealth {
  /** Its webhook endpoint accepts events. */
  webhook: boolean;
  /** Daily API usage as the provider last reported it, where it does. */
  apiUsage: { used: number; limit: number } | null;
}

/** A configured provider: what the engine runs for it. */
export interface ProviderConnection {
  id: ProviderId;
  /** One adapter per catalog this provider syncs. */
  adapters: readonly EntityAdapter<FieldValues>[];
  /** Turns one message from `inbound.<provider>` into the changes it announces (none if irrelevant). */
  parseInbound(message: unknown): InboundChange[];
  /** Idempotency key for a write caused by event `eventId`; recognizable in webhooks as ours. */
  idempotencyKey(eventId: string, operation: string): string;
  /** The webhook route (mounted before any body parser: it reads the raw body), if its config enables it. */
  webhook?: ((queue: InboundQueue) => Router) | undefined;
  pollers?: readonly Poller[];
  health(): ProviderHealth;
  /** The rate limit its calls go through, shared with the other processes calling the same account. */
  rateLimit?: SharedRateLimit;
}

/** A provider's per-account rate limit as one process holds it. */
export interface SharedRateLimit {
  /** How many processes call the provider (this one included); each takes its part of the limit. */
  setShare(processes: number): void;
  /** Calls per second this process may make now. */
  perSecond(): number;
}

/**
 * What a provider reports for metrics; the app labels it with the provider's id. `NO_PROVIDER_METRICS` when the
 * app does not collect any.
 */
export interface ProviderMetrics {
  /** A call waited this long (seconds, 0 when it did not) for the provider's rate limiter. */
  rateLimitWait(seconds: number): void;
  /** A call to the provider's API finished. */
  apiCall(outcome: 'ok' | 'error'): void;
  /** A webhook request was refused; `reason` is one of a few fixed words (signature, org_id, too_large, malformed). */
  webhookRejected(reason: string): void;
}

export const NO_PROVIDER_METRICS: ProviderMetrics = {
  rateLimitWait: () => undefined,
  apiCall: () => undefined,
  webhookRejected: () => undefined,
};

/** What the app hands a plug-in's `create`. */
export interface ProviderDeps {
  logger: Logger;
  metrics?: ProviderMetrics;
}

/**
 * A provider plug-in: its own environment variables (a zod object, merged into the app's config and parsed once
 * at start-up) and a factory. `create` returns undefined, with the reason logged, when the provider is enabled but
 * not configured (no credentials).
 */
export interface ProviderPlugin<S extends z.ZodRawShape = z.ZodRawShape> {
  id: ProviderId;
  /** The catalogs it has adapters for: records of other catalogs get no sync state for it. */
  entityTypes: readonly EntityType[];
  configShape: S;
  /** Checks across variables (e.g. "set both or neither"); each problem names its variable. */
  checkConfig?(config: z.infer<z.ZodObject<S>>): Array<{ variable: string; message: string }>;
  create(config: z.infer<z.ZodObject<S>>, deps: ProviderDeps): ProviderConnection | undefined;
}
