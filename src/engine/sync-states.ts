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
  const existing = await em.find(SyncState, { entityType, entityId });
  const mappings = await em.find(ExternalMapping, { entityType, entityId });
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
    if (provider === heldBy) {
      state.state = SyncStateValue.SYNCED;
      state.lastSyncedAt = new Date();
    } else {
      state.state = SyncStateValue.PENDING;
    }
    announce(em, state, mappings.find((m) => m.provider === provider)?.externalId ?? null);
  }
}

export async function listStatuses(em: EntityManager, entityType: EntityType, entityIds: readonly string[]) {
  if (entityIds.length === 0) return new Map<string, SyncStatusView[]>();
  const [states, mappings] = await Promise.all([
    em.find(SyncState, { entityType, entityId: { $in: [...entityIds] } }, { orderBy: { provider: 'asc' } }),
    em.find(ExternalMapping, { entityType, entityId: { $in: [...entityIds] } }),
  ]);
  const out = new Map<string, SyncStatusView[]>(entityIds.map((id) => [id, []]));
  for (const s of states) {
    const externalId = mappings.find((m) => m.entityId === s.entityId && m.provider === s.provider)?.externalId ?? null;
    out.get(s.entityId)?.push(toView(s, externalId));
  }
  return out;
}
