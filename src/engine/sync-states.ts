import type { EntityManager } from '@mikro-orm/postgresql';
import { SyncStateValue, type EntityType, type ProviderId } from '../core/enums.js';
import { SYNC_STATUS_TOPIC } from '../core/topics.js';
import { ExternalMapping, SyncState } from './entities/index.js';
import { enqueue } from './outbox.js';

/** What clients see of a record's sync with one provider (GraphQL `SyncStatus`, `sync.status` events). */
export interface SyncStatusView {
  entityType: EntityType;
  entityId: string;
  provider: ProviderId;
  state: SyncStateValue;
  attempts: number;
  lastError: string | null;
  lastSyncedAt: string | null;
  externalId: string | null;
  targetVersion: number;
  updatedAt: string;
  /** The parent record it waits for before it can be written to this provider (engine/parents.ts). */
  waitingFor: { entityType: EntityType; entityId: string } | null;
}

function waitingFor(type: string | null | undefined, id: string | null | undefined) {
  return type && id ? { entityType: type, entityId: id } : null;
}

export function toView(state: SyncState, externalId: string | null): SyncStatusView {
  return {
    entityType: state.entityType,
    entityId: state.entityId,
    provider: state.provider,
    state: state.state,
    attempts: state.attempts,
    lastError: state.lastError ?? null,
    lastSyncedAt: state.lastSyncedAt ? state.lastSyncedAt.toISOString() : null,
    externalId,
    targetVersion: state.targetVersion,
    updatedAt: (state.updatedAt ?? new Date()).toISOString(),
    waitingFor: waitingFor(state.waitingForType, state.waitingForId),
  };
}

export const SYNC_STATUS_CHANGED = 'sync.status.changed';

/** Announces a sync state change on `sync.status` (through the outbox, so no change is ever missed). */
export function announce(em: EntityManager, state: SyncState, externalId: string | null): void {
  state.updatedAt = new Date();
  enqueue(em, SYNC_STATUS_TOPIC, {
    type: SYNC_STATUS_CHANGED,
    entityType: state.entityType,
    entityId: state.entityId,
    origin: 'LOCAL',
    payload: toView(state, externalId),
  });
}

/**
 * Records that `version` of a record must reach every enabled provider: PENDING for each, except `heldBy`, the
 * provider the change came from when it already holds exactly this version (SYNCED).
 */
export async function markChanged(
  em: EntityManager,
  entityType: EntityType,
  entityId: string,
  version: number,
  providers: readonly ProviderId[],
  heldBy: ProviderId | undefined,
): Promise<void> {
  await markChangedMany(em, entityType, [{ entityId, version, heldBy }], providers);
}

/** `markChanged` for many records of one catalog: their sync states and mappings are read once for all. */
export async function markChangedMany(
  em: EntityManager,
  entityType: EntityType,
  changed: readonly { entityId: string; version: number; heldBy: ProviderId | undefined }[],
  providers: readonly ProviderId[],
): Promise<void> {
  if (changed.length === 0) return;
  const ids = changed.map((c) => c.entityId);
  const entityId = ids.length === 1 ? ids[0]! : { $in: ids };
  const existing = await em.find(SyncState, { entityType, entityId });
  const mappings = await em.find(ExternalMapping, { entityType, entityId });
  for (const c of changed) {
    const of = <T extends { entityId: string }>(list: readonly T[]) => list.filter((x) => x.entityId === c.entityId);
    setStates(em, entityType, c.entityId, c.version, providers, c.heldBy, of(existing), of(mappings));
  }
}

/**
 * `markChanged` for a record created in this transaction: it has no sync states and no mappings yet, so none are
 * read (two statements fewer per create; an import page of new records reads nothing).
 */
export function markNew(
  em: EntityManager,
  entityType: EntityType,
  entityId: string,
  providers: readonly ProviderId[],
  heldBy: ProviderId | undefined,
): void {
  setStates(em, entityType, entityId, 1, providers, heldBy, [], []);
}

function setStates(
  em: EntityManager,
  entityType: EntityType,
  entityId: string,
  version: number,
  providers: readonly ProviderId[],
  heldBy: ProviderId | undefined,
  existing: readonly SyncState[],
  mappings: readonly ExternalMapping[],
): void {
  for (const provider of providers) {
    let state = existing.find((s) => s.provider === provider);
    if (!state) {
      state = em.create(SyncState, {
        id: crypto.randomUUID(),
        entityType,
        entityId,
        provider,
        state: SyncStateValue.PENDING,
        targetVersion: version,
        attempts: 0,
      });
    }
    state.targetVersion = version;
    state.attempts = 0;
    state.lastError = null;
    // A new version is judged afresh (its parents may have changed); the worker marks it waiting again if need be.
    state.waitingForType = null;
    state.waitingForId = null;
    if (provider === heldBy) {
      state.state = SyncStateValue.SYNCED;
      state.lastSyncedAt = new Date();
    } else {
      state.state = SyncStateValue.PENDING;
    }
    announce(em, state, mappings.find((m) => m.provider === provider)?.externalId ?? null);
  }
}

interface StatusRow {
  entity_type: EntityType;
  entity_id: string;
  provider: ProviderId;
  state: SyncStateValue;
  attempts: number;
  last_error: string | null;
  last_synced_at: Date | string | null;
  target_version: number;
  updated_at: Date | string;
  external_id: string | null;
  waiting_for_type: string | null;
  waiting_for_id: string | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/**
 * Sync states with their provider ids, in ONE statement: Postgres gives a statement one snapshot, so a reader
 * never sees a state from after a write's commit next to a mapping from before it (SYNCED without its provider
 * id); two queries could straddle that commit.
 */
export async function listStatuses(em: EntityManager, entityType: EntityType, entityIds: readonly string[]) {
  const out = new Map<string, SyncStatusView[]>(entityIds.map((id) => [id, []]));
  if (entityIds.length === 0) return out;
  const rows = await em.execute<StatusRow[]>(
    `select s.entity_type, s.entity_id, s.provider, s.state, s.attempts, s.last_error, s.last_synced_at,
            s.target_version, s.updated_at, m.external_id, s.waiting_for_type, s.waiting_for_id
       from sync_state s
       left join external_mapping m
         on m.entity_type = s.entity_type and m.entity_id = s.entity_id and m.provider = s.provider
      where s.entity_type = ? and s.entity_id in (${entityIds.map(() => '?').join(', ')})
      order by s.provider`,
    [entityType, ...entityIds],
  );
  for (const r of rows) {
    out.get(r.entity_id)?.push({
      entityType: r.entity_type,
      entityId: r.entity_id,
      provider: r.provider,
      state: r.state,
      attempts: r.attempts,
      lastError: r.last_error,
      lastSyncedAt: r.last_synced_at ? iso(r.last_synced_at) : null,
      externalId: r.external_id,
      targetVersion: r.target_version,
      updatedAt: iso(r.updated_at),
      waitingFor: waitingFor(r.waiting_for_type, r.waiting_for_id),
    });
  }
  return out;
}
