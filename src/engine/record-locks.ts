import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, CatalogRowBase } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import { LockKeys, lockXact, lockXactMany } from '../platform/db/advisory-locks.js';
import { SyncState } from './entities/index.js';
import { records } from './records.js';

/**
 * Serializes everything that applies one provider record (webhook, poll, import): the second waits, then finds
 * the first one's mapping instead of creating a duplicate record. Taken first, before any row lock, so the lock
 * order is always: provider record, catalog row, sync state. Re-entrant within a transaction.
 */
export async function lockRemoteRecord(tx: EntityManager, provider: ProviderId, externalId: string): Promise<void> {
  await lockXact(tx, LockKeys.providerRecord, `${provider}:${externalId}`);
}

/** `lockRemoteRecord` for a page of provider records at once (one statement; taken in a fixed order). */
export async function lockRemoteRecords(tx: EntityManager, provider: ProviderId, externalIds: readonly string[]) {
  await lockXactMany(
    tx,
    LockKeys.providerRecord,
    externalIds.map((id) => `${provider}:${id}`),
  );
}

/**
 * Serializes linking by natural key (e.g. a customer's email): two provider records with the same key, applied
 * at once (a person created in Stripe and in Salesforce at the same moment), cannot both miss each other's local
 * record. Taken after the provider record's lock and before any row lock.
 */
export async function lockNaturalKey(tx: EntityManager, def: AnyCatalog, value: unknown): Promise<void> {
  await lockXact(tx, LockKeys.naturalKey, `${def.entityType}:${String(value)}`);
}

/** `lockNaturalKey` for many values at once (one statement; taken in a fixed order). */
export async function lockNaturalKeys(tx: EntityManager, def: AnyCatalog, values: readonly unknown[]) {
  await lockXactMany(
    tx,
    LockKeys.naturalKey,
    values.map((v) => `${def.entityType}:${String(v)}`),
  );
}

/**
 * Locks a record for applying a provider change: the catalog row first, then its sync state with that provider.
 * Every path takes them in this order (mutations lock the row and then update sync states; outbound writes lock
 * only sync states), so the three can never wait on each other in a cycle (deadlock). Holding the sync state
 * lock also waits out an outbound write of ours to the same record. Returns the row (deleted ones too), or null.
 */
export async function lockForInbound(
  tx: EntityManager,
  def: AnyCatalog,
  entityId: string,
  provider: ProviderId,
): Promise<CatalogRowBase | null> {
  const row = await records.lock(tx, def, entityId);
  if (!row) return null;
  await tx.find(
    SyncState,
    { entityType: def.entityType, entityId, provider },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  return row as CatalogRowBase;
}

/**
 * `lockForInbound` for many records of one catalog (an inbound chunk): their rows, then their sync states with the
 * provider, each in id order, in two statements. Returns the rows found (deleted ones too), by id.
 */
export async function lockManyForInbound(
  tx: EntityManager,
  def: AnyCatalog,
  entityIds: readonly string[],
  provider: ProviderId,
): Promise<Map<string, CatalogRowBase>> {
  const rows = await records.lockMany(tx, def, entityIds);
  await tx.find(
    SyncState,
    { entityType: def.entityType, entityId: { $in: [...entityIds] }, provider },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { entityId: 'asc' } },
  );
  return new Map(rows.map((r) => [r.id, r as CatalogRowBase]));
}
