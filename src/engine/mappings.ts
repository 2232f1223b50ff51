import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { AnyCatalog, FieldValues, RawValues, RecordSnapshot } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { RemoteRecord } from '../core/provider.js';
import { heldFacts } from '../core/sync-rules.js';
import { ExternalMapping } from './entities/index.js';

type Stored = Record<string, string | number | null>;

/**
 * Records on a mapping what the provider now holds (core/sync-rules.ts `heldFacts`), and the local version it
 * holds when that is known. The version never goes down: the provider holds at least what it held before.
 */
export function rememberHeld(
  mapping: ExternalMapping,
  def: AnyCatalog,
  values: RawValues<FieldValues>,
  version?: number | null,
): void {
  const facts = heldFacts(def, values);
  mapping.lastSyncedHash = facts.lastSyncedHash;
  mapping.lastSyncedData = facts.lastSyncedData as Stored;
  if (version != null) mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, version);
}

/** A new link between a local record and a provider record (content unknown until `rememberHeld`). */
export function newMapping(
  tx: EntityManager,
  def: AnyCatalog,
  entityId: string,
  provider: ProviderId,
  externalId: string,
): ExternalMapping {
  return tx.create(ExternalMapping, { id: randomUUID(), entityType: def.entityType, entityId, provider, externalId });
}

/**
 * A write intent, committed before the provider call that creates the twin: the record's identity is known
 * while the call is in flight, and a retry repeats exactly this request (same idempotency key, same data).
 */
export function startCreate(
  tx: EntityManager,
  def: AnyCatalog,
  snap: RecordSnapshot,
  provider: ProviderId,
  idempotencyKey: string,
): ExternalMapping {
  return tx.create(ExternalMapping, {
    id: randomUUID(),
    entityType: def.entityType,
    entityId: snap.id,
    provider,
    externalId: null,
    createKey: idempotencyKey,
    createRecord: snap as unknown as Record<string, unknown>,
  });
}

/** The create of an intent, as it was first sent. */
export function intendedCreate(mapping: ExternalMapping): { key: string; record: RecordSnapshot } | undefined {
  if (mapping.externalId || !mapping.createKey || !mapping.createRecord) return undefined;
  return { key: mapping.createKey, record: mapping.createRecord as unknown as RecordSnapshot };
}

/**
 * The provider record of a pending create is known (its reply, or an inbound change carrying our id): link it.
 * What the create sent is what the provider held first, the base of the next three-way merge.
 */
export function completeCreate(mapping: ExternalMapping, def: AnyCatalog, externalId: string): void {
  const sent = intendedCreate(mapping);
  mapping.externalId = externalId;
  if (sent) rememberHeld(mapping, def, sent.record as RawValues<FieldValues>, sent.record.version);
  mapping.createKey = null;
  mapping.createRecord = null;
}

/** A linked mapping: the provider's id is known. */
export const isLinked = (m: ExternalMapping | null | undefined): m is ExternalMapping & { externalId: string } =>
  !!m?.externalId;

/**
 * A pending create links an existing provider record instead of making one (same natural key, no one's twin):
 * what that record holds is the merge base, and the update that follows sends our data and our id.
 */
export function linkExisting(mapping: ExternalMapping, def: AnyCatalog, remote: RemoteRecord): void {
  mapping.externalId = remote.externalId;
  rememberHeld(mapping, def, remote.values);
  mapping.createKey = null;
  mapping.createRecord = null;
  mapping.carriesOurId = remote.internalId === mapping.entityId;
}
