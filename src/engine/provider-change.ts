import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues, RawValues } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { EntityAdapter, RemoteRecord } from '../core/provider.js';
import { judgeEvent, sameContent } from '../core/sync-rules.js';
import { applyRemoteRecord, type ApplyResult } from './apply-remote.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { intendedCreate } from './mappings.js';
import { lockForInbound, lockRemoteRecord } from './record-locks.js';
import { ourIdOn } from './records.js';
import { goneOf } from './tombstones.js';

export interface ProviderChange {
  externalId: string;
  /** The record as the event or a list page carried it, if it did. */
  known?: RemoteRecord | undefined;
  /** The provider marked the change as caused by a write of ours. */
  markedOurs?: boolean;
}

/**
 * Applies one provider record to the catalog (webhook, poll, recheck and import all come here), inside the
 * caller's transaction, taking locks in the one order every path uses (provider record, catalog row, sync state):
 * 1. which local record it is: its mapping, else the id the provider record carries (as the event or page had
 *    it, else one read), which names a record whose create is in flight or that is deleted here;
 * 2. wait out any write of ours to that record (the outbound worker holds its sync-state lock across the call);
 * 3. unless it is now plainly our own echo, read the provider's current record (never older than what we wrote)
 *    and apply it (`applyRemoteRecord`). `trustUnlinked`: a listed record not linked to anything is applied as
 *    listed (an import reads pages, not each record), unless it was deleted at the provider since (tombstones.ts).
 */
export async function applyProviderChange(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  adapter: EntityAdapter<FieldValues>,
  provider: ProviderId,
  change: ProviderChange,
  { trustUnlinked = false, adapterFor }: ApplyOptions = {},
): Promise<ApplyResult> {
  const { externalId } = change;
  const key = { provider, entityType: def.entityType, externalId };
  await lockRemoteRecord(tx, provider, externalId);
  const ours = (r: RemoteRecord | undefined) => withOurParentIds(tx, changes, def, provider, r, adapterFor);
  const knownOurs = await ours(change.known);
  const known = knownOurs && 'skip' in knownOurs ? undefined : knownOurs;
  let mapping = await tx.findOne(ExternalMapping, key);
  let ourId: string | null = null;
  // Read to identify the record when nothing else says which it is; still current if there is nothing to wait for.
  let read: { record: RemoteRecord | undefined } | undefined;
  if (!mapping) {
    if (!known) read = { record: await adapter.fetch(externalId) };
    ourId = ourIdOn(known ?? read?.record);
  }
  if (ourId && (await echoOfCreateInFlight(tx, def, provider, ourId, { ...change, known }))) {
    return { outcome: 'unchanged', entityId: ourId, reason: 'our create in flight; its reply records it' };
  }
  const entityId = mapping?.entityId ?? ourId;
  if (entityId) {
    await lockForInbound(tx, def, entityId, provider);
    mapping = await tx.findOne(ExternalMapping, key, { refresh: true });
  }
  if (mapping) {
    const facts = { alreadySeen: false, markedOurs: change.markedOurs ?? false, announced: known, link: mapping };
    if (judgeEvent(def, facts) === 'echo')
      return { outcome: 'unchanged', entityId: mapping.entityId, reason: 'our own write, already recorded' };
  }
  // Read (again) after any wait for our write; a read above with nothing waited for since is current.
  let fetched: RemoteRecord | undefined;
  if (!mapping && trustUnlinked && known && !(await goneOf(tx, provider, def.entityType, [externalId])).has(externalId))
    fetched = known;
  else if (read && !entityId) fetched = read.record;
  else fetched = await adapter.fetch(externalId);
  const current = fetched === known ? known : await ours(fetched);
  if (current && 'skip' in current)
    return { outcome: 'skipped', entityId: entityId ?? undefined, reason: current.skip };
  // Read under the record's locks above: current. (Unlinked, it is read again there, after the provider call.)
  return applyRemoteRecord(tx, changes, def, provider, externalId, current, ourId, entityId ? mapping : undefined);
}

export interface ApplyOptions {
  /** A listed record not linked to anything is applied as listed (an import reads pages, not each record). */
  trustUnlinked?: boolean;
  /** The provider's adapters by catalog: a record naming a parent we do not know brings that parent in first. */
  adapterFor?: ((entityType: string) => EntityAdapter<FieldValues> | undefined) | undefined;
}

/**
 * Parent fields arrive holding the provider's id of the parent (an invoice's Stripe customer id): replaced by our
 * id, through the parent's mapping. A parent not linked yet is applied first, in this transaction, like any change
 * of that provider record (parents first on the way in: an invoice made in Stripe for a customer we do not know
 * brings that customer in). `skip` when the parent cannot be had.
 */
async function withOurParentIds(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  provider: ProviderId,
  record: RemoteRecord | undefined,
  adapterFor: ApplyOptions['adapterFor'],
): Promise<RemoteRecord | { skip: string } | undefined> {
  if (!record || record.deleted || !def.parents?.length) return record;
  const values = { ...record.values };
  for (const p of def.parents) {
    const theirs = values[p.field];
    if (theirs === undefined || theirs === null || theirs === '') continue;
    const parent = p.catalog();
    const externalId = String(theirs);
    const key = { provider, entityType: parent.entityType, externalId };
    let entityId = (await tx.findOne(ExternalMapping, key, { refresh: true }))?.entityId;
    if (!entityId) {
      const parentAdapter = adapterFor?.(parent.entityType);
      if (!parentAdapter) return { skip: `its ${parent.label} ${externalId} is not known here` };
      const result = await applyProviderChange(
        tx,
        changes,
        parent,
        parentAdapter,
        provider,
        { externalId },
        {
          adapterFor,
        },
      );
      entityId = result.entityId;
      if (!entityId || result.outcome === 'skipped')
        return {
          skip: `its ${parent.label} ${externalId} could not be brought in: ${result.reason ?? result.outcome}`,
        };
    }
    values[p.field] = entityId;
  }
  return { ...record, values };
}

/**
 * The provider announces the record our create (still in flight, or with its reply lost) made, unchanged: marked
 * as ours, or with exactly the data the create sent. Nothing to wait for: the outbound worker records the result
 * (a lost reply is repeated with the same key). Waiting instead would hold this consumer for the whole call.
 */
async function echoOfCreateInFlight(
  tx: EntityManager,
  def: AnyCatalog,
  provider: ProviderId,
  entityId: string,
  change: ProviderChange,
): Promise<boolean> {
  const twin = await tx.findOne(ExternalMapping, { provider, entityType: def.entityType, entityId });
  const sent = twin ? intendedCreate(twin) : undefined;
  if (!sent) return false;
  if (change.markedOurs) return true;
  const known = change.known;
  return !!known && !known.deleted && sameContent(def, known.values, sent.record as RawValues<FieldValues>);
}
