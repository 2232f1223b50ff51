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
import { isUuid } from './records.js';

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
 *    listed (an import reads pages, not each record).
 */
export async function applyProviderChange(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  adapter: EntityAdapter<FieldValues>,
  provider: ProviderId,
  change: ProviderChange,
  { trustUnlinked = false } = {},
): Promise<ApplyResult> {
  const { externalId, known } = change;
  const key = { provider, entityType: def.entityType, externalId };
  await lockRemoteRecord(tx, provider, externalId);
  let mapping = await tx.findOne(ExternalMapping, key);
  let ourId: string | null = null;
  // Read to identify the record when nothing else says which it is; still current if there is nothing to wait for.
  let read: { record: RemoteRecord | undefined } | undefined;
  if (!mapping) {
    if (!known) read = { record: await adapter.fetch(externalId) };
    ourId = (known ?? read?.record)?.internalId ?? null;
    if (ourId && !isUuid(ourId)) ourId = null;
  }
  if (ourId && (await echoOfCreateInFlight(tx, def, provider, ourId, change))) {
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
  let current: RemoteRecord | undefined;
  if (!mapping && trustUnlinked && known) current = known;
  else if (read && !entityId) current = read.record;
  else current = await adapter.fetch(externalId);
  return applyRemoteRecord(tx, changes, def, provider, externalId, current, ourId);
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
