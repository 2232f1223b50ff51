import { createHash } from 'node:crypto';
import type { CatalogDefinition, FieldValues, RawValues, RecordSnapshot } from './catalog.js';
import type { RemoteRecord } from './provider.js';

/**
 * The rules that make two-way sync correct, in one place and free of I/O (unit-tested in
 * tests/unit/sync-rules.test.ts). The engine gathers the facts (inbox, mapping, local row, the provider's
 * current record) and acts on the verdicts; it decides nothing about echoes, duplicates, ordering or merging
 * by itself.
 *
 * - Dedupe: a provider event id is applied once (`judgeEvent`: the inbox says whether it was seen).
 * - Echo: a provider change that only reflects our own write changes nothing: the provider marked it as ours
 *   (our idempotency key, our client name), or its content equals what we last synced (`contentHash`).
 * - Ordering: the engine never applies an event's payload, only the provider's current record, re-fetched under
 *   the record's lock; so late, duplicated or same-second events cannot roll data back (`judgeRemoteRecord`).
 * - Merge: only the fields the provider changed since the last sync are taken (three-way: last synced, local,
 *   remote); a local edit to another field survives and the merge goes back to the provider.
 * - No ping-pong: a change applied from a provider that already holds the result is not written back to it
 *   (`providerHoldsResult`), and a write of what the provider already has is skipped (`judgeOutbound`).
 */

/** A hash of a record's synced fields in canonical form, stored on the mapping after every write and read. */
export function contentHash<F extends FieldValues>(def: CatalogDefinition<F>, values: RawValues<F>): string {
  const canonical = def.canonical(values);
  return createHash('sha256')
    .update(JSON.stringify(def.fields.map((f) => canonical[f] ?? null)))
    .digest('hex');
}

/**
 * What to remember about a provider's copy once we know what it holds (after our write, or a read of it): the hash
 * that recognizes its echoes and the values that are the base of the next three-way merge.
 */
export function heldFacts<F extends FieldValues>(
  def: CatalogDefinition<F>,
  values: RawValues<F>,
): { lastSyncedHash: string; lastSyncedData: Partial<F> } {
  const read = def.fromRemote(values);
  return {
    lastSyncedHash: contentHash(def, 'fields' in read ? read.fields : values),
    lastSyncedData: def.canonical(values),
  };
}

/** What the engine stored about a record's twin at one provider (its mapping row). */
export interface LinkFacts {
  lastSyncedHash?: string | null | undefined;
  /** The fields as the provider last held them (after our write or its change). */
  lastSyncedData?: RawValues<FieldValues> | null | undefined;
}

export type EventVerdict = 'duplicate' | 'echo' | 'apply';

/**
 * First look at an inbound event, before any lock or API call: seen before (inbox), or an echo of our own write
 * (marked by the provider, or announcing exactly the content we last synced). `link`: the mapping of the
 * provider record the event is about, if it is linked.
 */
export function judgeEvent<F extends FieldValues>(
  def: CatalogDefinition<F>,
  facts: { alreadySeen: boolean; markedOurs: boolean; announced?: RemoteRecord | undefined; link: LinkFacts | null },
): EventVerdict {
  if (facts.alreadySeen) return 'duplicate';
  // Marked ours but not linked yet: the reply of our create is still in flight or was lost. The change must be
  // applied (it names the record by our id), not dropped as an echo.
  if (facts.markedOurs) return facts.link ? 'echo' : 'apply';
  const announced = facts.announced;
  if (!announced || announced.deleted || !facts.link?.lastSyncedHash) return 'apply';
  const read = def.fromRemote(announced.values as RawValues<F>);
  return 'fields' in read && contentHash(def, read.fields) === facts.link.lastSyncedHash ? 'echo' : 'apply';
}

export type RemoteVerdict<F extends FieldValues> =
  /** Nothing to do (an echo, a delete of something deleted or never linked, an edit of a record deleted here). */
  | { action: 'ignore'; reason: string }
  /** The provider holds what the catalog cannot (e.g. no email). */
  | { action: 'skip'; reason: string }
  | { action: 'delete' }
  /**
   * Linked record changed at the provider: apply `changed` (only what the provider changed since the last sync).
   * `providerHoldsResult`: the provider already holds the merged record, so it needs no write back.
   */
  | { action: 'merge'; fields: F; changed: Partial<F>; providerHoldsResult: boolean }
  /** Not linked yet: link to a local record (by our id on it, else by natural key) or create one. */
  | { action: 'link-or-create'; fields: F };

/**
 * Second look, with the provider's CURRENT record (re-fetched, never the event payload) under the record's lock:
 * what it means for the catalog.
 */
export function judgeRemoteRecord<F extends FieldValues>(
  def: CatalogDefinition<F>,
  remote: RemoteRecord | undefined,
  link: LinkFacts | null,
  local: { values: F; deleted: boolean } | null,
): RemoteVerdict<F> {
  if (!remote || remote.deleted) {
    if (!link) return { action: 'ignore', reason: 'deleted record was never linked' };
    if (!local || local.deleted) return { action: 'ignore', reason: 'already deleted here' };
    return { action: 'delete' };
  }
  const read = def.fromRemote(remote.values as RawValues<F>);
  if ('skip' in read) return { action: 'skip', reason: read.skip };
  const fields = read.fields;
  if (!link) return { action: 'link-or-create', fields };
  const hash = contentHash(def, fields);
  // Exactly what we last wrote or read: our own echo, or a duplicate.
  if (link.lastSyncedHash === hash) return { action: 'ignore', reason: 'content equals what was last synced' };
  // Deleted here: our delete is on its way to the provider; do not resurrect.
  if (!local || local.deleted) return { action: 'ignore', reason: 'deleted here; the delete is on its way' };
  // Three-way: what the provider last held (read the way the catalog reads it, or in canonical form when today's
  // rules would refuse it) against what it holds now.
  const stored = link.lastSyncedData as RawValues<F> | null | undefined;
  const baseRead = stored ? def.fromRemote(stored) : undefined;
  const base = baseRead && 'fields' in baseRead ? baseRead.fields : stored ? def.canonical(stored) : undefined;
  const changed: Partial<F> = {};
  for (const f of def.fields) if (!base || base[f] !== fields[f]) changed[f] = fields[f];
  const merged = { ...local.values, ...changed };
  return { action: 'merge', fields, changed, providerHoldsResult: contentHash(def, merged) === hash };
}

/** Linking an unlinked provider record to an existing local one: is the provider's copy the same as ours? */
export function sameContent<F extends FieldValues>(
  def: CatalogDefinition<F>,
  a: RawValues<F>,
  b: RawValues<F>,
): boolean {
  return contentHash(def, a) === contentHash(def, b);
}

export type WriteVerdict = 'superseded' | 'already-there' | 'write';

/**
 * Whether an outbound event still needs writing, judged under the sync state's lock: a newer version exists (its
 * own event follows on the same partition), or the provider already holds it (a redelivery, or the change came
 * from this provider and inbound marked it SYNCED).
 */
export function judgeOutbound(facts: {
  eventVersion: number;
  currentVersion: number | null;
  targetVersion: number | null;
  synced: boolean;
  lastSyncedVersion: number | null;
}): WriteVerdict {
  const { eventVersion, currentVersion, targetVersion } = facts;
  if (currentVersion === null || targetVersion === null) return 'superseded';
  if (currentVersion > eventVersion || targetVersion > eventVersion) return 'superseded';
  if (facts.synced && (facts.lastSyncedVersion ?? 0) >= eventVersion) return 'already-there';
  return 'write';
}

/**
 * For an update of a linked record: the fields that differ from what the provider last held, so a provider edit
 * to another field since then is not overwritten. Undefined (send everything) when we do not know what it holds.
 */
export function fieldsToSend<F extends FieldValues>(
  def: CatalogDefinition<F>,
  lastSyncedData: RawValues<FieldValues> | null,
  record: RecordSnapshot<F>,
): Partial<F> | undefined {
  if (!lastSyncedData) return undefined;
  const base = def.canonical(lastSyncedData as RawValues<F>);
  const changed: Partial<F> = {};
  for (const f of def.fields) if ((base[f] ?? null) !== (record[f] ?? null)) changed[f] = record[f];
  return changed;
}
