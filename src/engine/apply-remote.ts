import type { EntityManager } from '@mikro-orm/postgresql';
import {
  fieldsOf,
  type CatalogDefinition,
  type CatalogRow,
  type FieldValues,
  type RawValues,
} from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { RemoteRecord } from '../core/provider.js';
import { judgeRemoteRecord, sameContent } from '../core/sync-rules.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { newMapping, rememberHeld } from './mappings.js';
import { lockRemoteRecord } from './record-locks.js';
import { isUuid } from './records.js';
import { requeue } from './requeue.js';

export type ApplyOutcome = 'created' | 'linked' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

export interface ApplyResult {
  outcome: ApplyOutcome;
  entityId?: string | undefined;
  /** The provider record does not carry our id yet: store it there (after commit). */
  needsLink?: boolean;
  reason?: string;
}

/**
 * Brings the local catalog in line with a provider's CURRENT record (re-fetched, never the event payload), for
 * any catalog: link -> match -> create, or a three-way merge of a linked record (the verdicts are
 * `judgeRemoteRecord`'s, in core/sync-rules.ts). The change then flows to the other providers through the normal
 * outbox path, with origin = provider. Runs inside the caller's transaction.
 */
export async function applyRemoteRecord<F extends FieldValues>(
  tx: EntityManager,
  changes: CatalogChanges,
  def: CatalogDefinition<F>,
  provider: ProviderId,
  externalId: string,
  current: RemoteRecord | undefined,
): Promise<ApplyResult> {
  // Callers take it first (lock order); taking it again here is free and keeps this function safe on its own.
  await lockRemoteRecord(tx, provider, externalId);
  const entityType = def.entityType;
  const mapping = await tx.findOne(ExternalMapping, { provider, entityType, externalId });
  const row = mapping ? await tx.findOne(def.entity, { id: mapping.entityId } as never) : null;
  const local = row ? { values: fieldsOf(def, row) as F, deleted: row.deletedAt != null } : null;
  const source = { origin: provider, heldBy: provider };

  try {
    const verdict = judgeRemoteRecord(def, current, mapping, local);
    switch (verdict.action) {
      case 'ignore':
        return { outcome: 'unchanged', entityId: mapping?.entityId, reason: verdict.reason };
      case 'skip':
        return { outcome: 'skipped', reason: verdict.reason };
      case 'delete': {
        const deleted = await changes.delete(tx, def, row!.id, source);
        mapping!.lastSyncedVersion = deleted.version;
        mapping!.lastSyncedHash = null;
        return { outcome: 'deleted', entityId: row!.id };
      }
      case 'merge': {
        const updated = await changes.update(tx, def, row!.id, verdict.changed as RawValues<F>, {
          source: { origin: provider, heldBy: verdict.providerHoldsResult ? provider : undefined },
        });
        rememberHeld(mapping!, def, current!.values, verdict.providerHoldsResult ? updated.version : null);
        const outcome: ApplyOutcome = Object.keys(verdict.changed).length === 0 ? 'unchanged' : 'updated';
        return { outcome, entityId: row!.id, needsLink: current!.internalId !== row!.id };
      }
      case 'link-or-create':
        return await linkOrCreate(tx, changes, def, provider, current!, verdict.fields);
    }
  } catch (err) {
    // Provider data our catalog cannot hold, or a change its lifecycle forbids (e.g. a paid invoice edited back to
    // draft): skip it and say why. Retrying could never make it apply, so it must not block the partition.
    if (err instanceof ValidationError || err instanceof ConflictError)
      return { outcome: 'skipped', entityId: mapping?.entityId, reason: err.message };
    throw err;
  }
}

/** Not linked yet: by our id stored on their record, else by the catalog's natural key, else it is new. */
async function linkOrCreate<F extends FieldValues>(
  tx: EntityManager,
  changes: CatalogChanges,
  def: CatalogDefinition<F>,
  provider: ProviderId,
  current: RemoteRecord,
  fields: F,
): Promise<ApplyResult> {
  const entityType = def.entityType;
  const externalId = current.externalId;
  let local: CatalogRow<F> | null = null;
  if (current.internalId && isUuid(current.internalId)) {
    local = await tx.findOne(def.entity, { id: current.internalId, deletedAt: null } as never);
    const other = local && (await tx.findOne(ExternalMapping, { provider, entityType, entityId: local.id }));
    // Our id on a second provider record (a duplicate made outside catalog-sync, or a copied record): keep the
    // existing link, report this one.
    if (other)
      return { outcome: 'skipped', reason: `${def.label} ${local!.id} is already linked to ${other.externalId}` };
  }
  if (!local && def.naturalKey) {
    const candidates = await tx.find(
      def.entity,
      { [def.naturalKey]: fields[def.naturalKey], deletedAt: null } as never,
      { orderBy: { createdAt: 'asc' } as never },
    );
    const linked = new Set(
      (await tx.find(ExternalMapping, { provider, entityType, entityId: { $in: candidates.map((c) => c.id) } })).map(
        (m) => m.entityId,
      ),
    );
    local = candidates.find((c) => !linked.has(c.id)) ?? null;
  }
  if (local) {
    // Linking an existing local record: the catalog (the hub) keeps its data. If the provider's copy differs,
    // ours is queued to it; what it holds now is recorded so its later edits merge field by field.
    const same = sameContent(def, fieldsOf(def, local) as RawValues<F>, fields as RawValues<F>);
    rememberHeld(newMapping(tx, def, local.id, provider, externalId), def, current.values, same ? local.version : null);
    await tx.flush();
    if (!same) await requeue(tx, def, local.id, provider);
    return { outcome: 'linked', entityId: local.id, needsLink: current.internalId !== local.id };
  }
  const created = await changes.create(tx, def, fields as RawValues<F>, { origin: provider, heldBy: provider });
  rememberHeld(newMapping(tx, def, created.id, provider, externalId), def, current.values, created.version);
  return { outcome: 'created', entityId: created.id, needsLink: true };
}
