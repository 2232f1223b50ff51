import type { EntityManager } from '@mikro-orm/postgresql';
import {
  fieldsOf,
  type AnyCatalog,
  type CatalogDefinition,
  type CatalogRow,
  type CatalogRowBase,
  type FieldValues,
  type RawValues,
} from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { RemoteRecord } from '../core/provider.js';
import { lifecycleRefusals } from '../core/lifecycle.js';
import { judgeRemoteRecord, sameContent } from '../core/sync-rules.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { completeCreate, isLinked, newMapping, rememberHeld } from './mappings.js';
import { wakeChildren } from './parents.js';
import { lockForInbound, lockNaturalKey, lockRemoteRecord } from './record-locks.js';
import { isUuid } from './records.js';
import { requeue } from './requeue.js';
import { rememberGone } from './tombstones.js';

export type ApplyOutcome = 'created' | 'linked' | 'updated' | 'deleted' | 'unchanged' | 'skipped';

export interface ApplyResult {
  outcome: ApplyOutcome;
  entityId?: string | undefined;
  reason?: string;
}

/**
 * Brings the local catalog in line with a provider's CURRENT record (re-fetched, never the event payload), for
 * any catalog: link -> match -> create, or a three-way merge of a linked record (the verdicts are
 * `judgeRemoteRecord`'s, in core/sync-rules.ts). The change then flows to the other providers through the normal
 * outbox path, with origin = provider. Runs inside the caller's transaction.
 *
 * `ourId`: our record id as an earlier version of the provider record carried it (e.g. the object in a
 * `customer.deleted` event), for when the current one no longer says (a deleted Stripe customer is bare).
 */
export async function applyRemoteRecord<F extends FieldValues>(
  tx: EntityManager,
  changes: CatalogChanges,
  def: CatalogDefinition<F>,
  provider: ProviderId,
  externalId: string,
  current: RemoteRecord | undefined,
  ourId?: string | null,
  /** The record's mapping as the caller read it under the locks below (saves reading it again); else read here. */
  linked?: ExternalMapping | null,
): Promise<ApplyResult> {
  // Callers take it first (lock order); taking it again here is free and keeps this function safe on its own.
  await lockRemoteRecord(tx, provider, externalId);
  const entityType = def.entityType;
  let mapping = linked !== undefined ? linked : await tx.findOne(ExternalMapping, { provider, entityType, externalId });
  try {
    if (!mapping) {
      const found = await byOurId(tx, changes, def, provider, externalId, current, current?.internalId ?? ourId);
      if ('result' in found) return found.result;
      mapping = found.mapping;
    }
    const row = mapping ? await tx.findOne(def.entity, { id: mapping.entityId } as never) : null;
    const local = row ? { values: fieldsOf(def, row) as F, deleted: row.deletedAt != null } : null;
    const source = { origin: provider, heldBy: provider };
    const verdict = judgeRemoteRecord(def, current, mapping, local);
    // Gone at the provider and linked to nothing here: an import page that listed it earlier must not create it.
    if (!mapping && (!current || current.deleted)) await rememberGone(tx, provider, entityType, externalId);
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
        // A provider change the lifecycle forbids (a paid invoice set back to draft in Salesforce): the catalog
        // keeps its value of those fields and writes it back to the provider; the other fields apply.
        const refused = new Set(
          lifecycleRefusals(def, row as never, verdict.changed, Object.keys(verdict.changed), 'path').map(
            (r) => r.field,
          ),
        );
        const changed = Object.fromEntries(Object.entries(verdict.changed).filter(([f]) => !refused.has(f)));
        const holds = verdict.providerHoldsResult && refused.size === 0;
        const updated = await changes.update(tx, def, row!.id, changed as RawValues<F>, {
          source: { origin: provider, heldBy: holds ? provider : undefined },
        });
        rememberHeld(mapping!, def, current!.values, holds ? updated.version : null);
        const anyChange = Object.keys(changed).length > 0;
        if (refused.size > 0 && !anyChange) await requeue(tx, def, row!.id, provider);
        if (current!.internalId !== row!.id) await lacksOurId(tx, mapping!);
        return {
          outcome: anyChange ? 'updated' : 'unchanged',
          entityId: row!.id,
          ...(refused.size > 0 ? { reason: `kept the catalog's ${[...refused].join(', ')} (lifecycle)` } : {}),
        };
      }
      case 'link-or-create': {
        const result = await linkByKeyOrCreate(tx, changes, def, provider, current!, verdict.fields);
        if (!(result instanceof ExternalMapping)) return result;
        // A create of ours, in flight until now, linked this very record (same natural key): apply it as linked.
        return await applyRemoteRecord(tx, changes, def, provider, externalId, current, ourId);
      }
    }
  } catch (err) {
    // Provider data our catalog cannot hold, or a change its lifecycle forbids (e.g. a paid invoice edited back to
    // draft): skip it and say why. Retrying could never make it apply, so it must not block the partition.
    if (err instanceof ValidationError || err instanceof ConflictError)
      return { outcome: 'skipped', entityId: mapping?.entityId, reason: err.message };
    throw err;
  }
}

/**
 * An unlinked provider record that carries our id is that record, whatever else matches: even while our create
 * of it is in flight (its mapping has no provider id yet: we wait for the call, then adopt what it made), and
 * even once deleted here (then it is a leftover, deleted like the record: it never brings the record back).
 * Returns the mapping to judge the record with, or the result when it is settled here.
 */
async function byOurId(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  provider: ProviderId,
  externalId: string,
  current: RemoteRecord | undefined,
  ourId: string | null | undefined,
): Promise<{ mapping: ExternalMapping | null } | { result: ApplyResult }> {
  if (!ourId || !isUuid(ourId)) return { mapping: null };
  // Waits for a write of ours to that record (the outbound worker holds its sync state across the call).
  const row = await lockForInbound(tx, def, ourId, provider);
  if (!row) return { mapping: null };
  const twin = await twinOf(tx, def, provider, row.id);
  if (twin?.externalId === externalId) return { mapping: twin };
  const live = !!current && !current.deleted;
  // Our id on a second provider record (a duplicate made outside catalog-sync, or a copied record): keep the
  // existing link, report this one.
  if (isLinked(twin)) {
    const reason = `${def.label} ${row.id} is already linked to ${twin.externalId}`;
    return { result: live ? { outcome: 'skipped', reason } : { outcome: 'unchanged', reason } };
  }
  if (row.deletedAt && live) return { result: await removeLeftover(tx, def, provider, row, twin, externalId) };
  if (twin) {
    // A create of ours whose reply never came (timed out, connection lost): this is what it made. What it sent is
    // the merge base, so edits made at the provider since then are kept.
    completeCreate(twin, def, externalId);
    await tx.flush();
    await wakeChildren(tx, changes.catalogs?.childrenOf(def) ?? [], def, [row.id], provider);
    return { mapping: twin };
  }
  if (!live || row.deletedAt) return { mapping: null };
  const read = def.fromRemote(current.values);
  if ('skip' in read) return { result: { outcome: 'skipped', reason: read.skip } };
  return { result: await link(tx, changes, def, provider, row, current, read.fields) };
}

/**
 * By the catalog's natural key: the oldest live record with the same key that has no twin at this provider (none
 * linked, none being created); else a new record. Returns the mapping when a create of ours, starting while we
 * looked, linked this very record instead (outbound match-existing.ts). The policy is README's "Same natural key on two
 * records".
 */
async function linkByKeyOrCreate<F extends FieldValues>(
  tx: EntityManager,
  changes: CatalogChanges,
  def: CatalogDefinition<F>,
  provider: ProviderId,
  current: RemoteRecord,
  fields: F,
): Promise<ApplyResult | ExternalMapping> {
  if (def.naturalKey) {
    const value = fields[def.naturalKey];
    await lockNaturalKey(tx, def, value);
    const candidates = await tx.find(def.entity, { [def.naturalKey]: value, deletedAt: null } as never, {
      orderBy: { createdAt: 'asc' } as never,
    });
    for (const candidate of candidates) {
      if (await twinOf(tx, def, provider, candidate.id)) continue;
      // Waits for a create of ours that is starting (it looks for a provider record like this one first).
      await lockForInbound(tx, def, candidate.id, provider);
      const twin = await twinOf(tx, def, provider, candidate.id);
      if (twin?.externalId === current.externalId) return twin; // it found this very record
      if (twin) continue; // it is creating another one
      return link(tx, changes, def, provider, candidate, current, fields);
    }
  }
  const created = await changes.create(tx, def, fields as RawValues<F>, { origin: provider, heldBy: provider });
  const mapping = newMapping(tx, def, created.id, provider, current.externalId);
  rememberHeld(mapping, def, current.values, created.version);
  await lacksOurId(tx, mapping);
  return { outcome: 'created', entityId: created.id };
}

/** The record's twin at a provider: linked, or being created (no provider id yet). Read fresh, after any wait. */
function twinOf(tx: EntityManager, def: AnyCatalog, provider: ProviderId, entityId: string) {
  return tx.findOne(ExternalMapping, { provider, entityType: def.entityType, entityId }, { refresh: true });
}

/**
 * Links an existing local record: the catalog (the hub) keeps its data. If the provider's copy differs, ours is
 * queued to it; what it holds now is recorded so its later edits merge field by field.
 */
async function link(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  provider: ProviderId,
  local: CatalogRowBase,
  current: RemoteRecord,
  fields: FieldValues,
): Promise<ApplyResult> {
  const same = sameContent(def, fieldsOf(def, local as CatalogRow<FieldValues>), fields);
  const mapping = newMapping(tx, def, local.id, provider, current.externalId);
  rememberHeld(mapping, def, current.values, same ? local.version : null);
  await tx.flush();
  if (!same) await requeue(tx, def, local.id, provider);
  if (current.internalId !== local.id) await lacksOurId(tx, mapping);
  await wakeChildren(tx, changes.catalogs?.childrenOf(def) ?? [], def, [local.id], provider);
  return { outcome: 'linked', entityId: local.id };
}

/**
 * The provider record does not carry our id (made there, or the id was removed): the record's next write to it
 * stores the id (`RecordWrite.ourIdMissing`). Lazily, with the record's next outbound change, not with a write of
 * its own: the mapping already links the two, and a write per imported or provider-made record would cost one
 * provider call each (an import of 100k Stripe customers: 17 minutes of Stripe's live rate limit).
 */
async function lacksOurId(tx: EntityManager, mapping: ExternalMapping): Promise<void> {
  mapping.carriesOurId = false;
  await tx.flush();
}

/**
 * A provider record carrying the id of a record deleted here (e.g. our create was applied although its reply was
 * lost, and the record was deleted meanwhile): linked, and the record's delete is queued to it.
 */
async function removeLeftover(
  tx: EntityManager,
  def: AnyCatalog,
  provider: ProviderId,
  row: CatalogRowBase,
  pending: ExternalMapping | null,
  externalId: string,
): Promise<ApplyResult> {
  if (pending) completeCreate(pending, def, externalId);
  else newMapping(tx, def, row.id, provider, externalId);
  await tx.flush();
  await requeue(tx, def, row.id, provider);
  return { outcome: 'skipped', entityId: row.id, reason: `leftover of deleted ${def.label} ${row.id}; deleting it` };
}
