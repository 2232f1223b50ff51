import type { EntityManager } from '@mikro-orm/postgresql';
import {
  fieldsOf,
  type AnyCatalog,
  type CatalogRow,
  type CatalogRowBase,
  type FieldValues,
  type RawValues,
} from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { EntityAdapter, InboundChange, RemoteRecord } from '../core/provider.js';
import { judgeEvent, judgeRemoteRecord } from '../core/sync-rules.js';
import { settleWithin, type Outcome } from '../platform/concurrency.js';
import type { ApplyResult } from './apply-remote.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { applyImportPage } from './import-page.js';
import { claimEvents } from './inbox.js';
import { lockManyForInbound, lockRemoteRecords } from './record-locks.js';
import { isLinked, rememberHeld } from './mappings.js';
import { ourIdOn } from './records.js';

export type InboundOutcome = ApplyResult['outcome'] | 'duplicate' | 'echo';

/** One provider record of an inbound chunk, with its events there that the inbox has not seen, in order. */
export interface InboundRecord {
  def: AnyCatalog;
  adapter: EntityAdapter<FieldValues>;
  externalId: string;
  events: readonly InboundChange[];
}

export interface SettledEvent {
  eventId: string;
  outcome: InboundOutcome;
  entityId?: string | undefined;
  reason?: string | undefined;
}

export interface InboundBatchOutcome {
  /** One per event of the records settled here, claimed in the inbox in the caller's transaction. */
  settled: SettledEvent[];
  /** Left for the record-by-record path (`applyProviderChange`); none of their events is claimed. */
  rest: InboundRecord[];
}

/** Re-reads in flight at once (each waits on the provider's latency and our share of its rate limit). */
const READS_IN_FLIGHT = 8;
/**
 * How long the chunk waits for its reads (a chunk's 50 take about 0.5 s at Stripe's rate limit); a read still
 * going then (jsforce retries a failed GET up to 5 times, 0.5 s doubling) leaves its record to the other path.
 */
const READ_WAIT_MS = 2000;

/**
 * The records of an inbound chunk, set-based, in the caller's transaction: the cases that make up nearly all of a
 * busy webhook stream are settled together with a fixed number of statements (locks, reads, one multi-row write
 * per table), like an import page (`applyImportPage`):
 * - linked, and every event an echo (announces what the provider last held, or is marked ours): nothing to apply;
 * - not linked and carrying no id of ours: its current record is read from the provider (never the payload) and,
 *   if nothing local has its natural key, created;
 * - linked and changed at the provider (catalogs without a lifecycle): merged field by field (`mergeLinked`).
 * Everything else (a delete, our id on an unlinked record, a parent field, a lifecycle, a failed read, a natural
 * key taken here) is returned for the record-by-record path. The locks are that path's, in its order (provider
 * records, natural keys, rows, sync states), and a record's events are claimed after its lock, as that path does,
 * so the two never wait on each other in a cycle.
 */
export async function applyInboundBatch(
  tx: EntityManager,
  changes: CatalogChanges,
  provider: ProviderId,
  batch: readonly InboundRecord[],
  /**
   * Filled here: the provider read of each record left to the other path that was read here and failed, or had not
   * answered within READ_WAIT_MS. That path waits for it (and takes a failure as its own first read's: waits and
   * reads again if retryable, dead-letters the change if not), so a slow or refused read is neither repeated at once
   * nor holds up the chunk's other records and their locks. Kept even if the caller's transaction fails.
   */
  earlierReads: Map<InboundRecord, Promise<unknown>>,
): Promise<InboundBatchOutcome> {
  const rest: InboundRecord[] = [];
  const candidates = batch.filter((r) => {
    const together = !r.def.parents?.length && r.events.every((e) => !e.announced?.deleted);
    if (!together) rest.push(r);
    return together;
  });
  if (candidates.length === 0) return { settled: [], rest };
  await lockRemoteRecords(
    tx,
    provider,
    candidates.map((r) => r.externalId),
  );
  const linked = await tx.find(ExternalMapping, {
    provider,
    externalId: { $in: [...new Set(candidates.map((r) => r.externalId))] },
  });
  const mappingOf = new Map(linked.map((m) => [`${m.entityType}:${m.externalId}`, m]));
  const done: Done[] = [];
  const toRead: InboundRecord[] = [];
  const toMerge = new Map<AnyCatalog, Linked[]>();
  for (const record of candidates) {
    const mapping = mappingOf.get(`${record.def.entityType}:${record.externalId}`);
    if (!mapping) {
      // Ours but not linked (marked ours, or carrying our id): our create's reply is in flight or lost, or the
      // record is a leftover; that path adopts or deletes what it made.
      (record.events.some((e) => e.markedOurs || ourIdOn(e.announced)) ? rest : toRead).push(record);
      continue;
    }
    const echoes = echoesOf(record, mapping);
    if (echoes.size === record.events.length)
      done.push({ record, result: { outcome: 'echo', entityId: mapping.entityId }, echoes });
    else if (record.def.lifecycle || !isLinked(mapping)) rest.push(record);
    else toMerge.set(record.def, [...(toMerge.get(record.def) ?? []), { record, entityId: mapping.entityId }]);
  }
  const reads = await settleWithin(toRead, readsInFlight(toRead.map((r) => r.adapter)), READ_WAIT_MS, (r) =>
    r.adapter.fetch(r.externalId),
  );
  const currentByDef = new Map<AnyCatalog, Map<string, { record: InboundRecord; current: RemoteRecord }>>();
  reads.forEach((read, i) => {
    const record = toRead[i]!;
    const current = settledRead(read, record, earlierReads);
    // (A read answered with another id, e.g. Salesforce's 18-character form of a 15-character one: judged there.)
    if (!current || current.deleted || ourIdOn(current) || current.externalId !== record.externalId)
      return void rest.push(record);
    const page = currentByDef.get(record.def) ?? new Map();
    currentByDef.set(record.def, page.set(record.externalId, { record, current }));
  });
  for (const [def, page] of currentByDef) {
    const outcome = await applyImportPage(
      tx,
      changes,
      def,
      provider,
      [...page.values()].map((p) => p.current),
    );
    for (const { externalId, ...result } of outcome.results)
      done.push({ record: page.get(externalId)!.record, result });
    for (const current of outcome.rest) rest.push(page.get(current.externalId)!.record);
  }
  // After the creates: the record-by-record path takes natural keys before rows too.
  for (const [def, linkedRecords] of toMerge)
    await mergeLinked(tx, changes, provider, def, linkedRecords, done, rest, earlierReads);
  const claimed = await claimEvents(
    tx,
    provider,
    done.flatMap((d) => d.record.events.map((e) => e.eventId)),
  );
  // The record was applied once, for all its events: echoes are reported as such, the first other one claimed
  // carries the result.
  const settled = done.flatMap(({ record, result, echoes }) => {
    let first = true;
    return record.events.map((e): SettledEvent => {
      if (!claimed.has(e.eventId)) return { eventId: e.eventId, outcome: 'duplicate', entityId: result.entityId };
      if (echoes?.has(e.eventId)) return { eventId: e.eventId, outcome: 'echo', entityId: result.entityId };
      if (!first)
        return {
          eventId: e.eventId,
          outcome: 'unchanged',
          entityId: result.entityId,
          reason: 'applied with an earlier event',
        };
      first = false;
      return { eventId: e.eventId, ...result };
    });
  });
  return { settled, rest };
}

/** `echoes`: the events judged echoes of our writes (reported as such; the result goes to the first other one). */
type Done = { record: InboundRecord; result: Omit<SettledEvent, 'eventId'>; echoes?: ReadonlySet<string> };
/** A linked record and the id of its local record, as read under its provider record's lock. */
type Linked = { record: InboundRecord; entityId: string };

/**
 * Changes of linked records of one catalog (without a lifecycle), as the record-by-record path applies them
 * (`applyRemoteRecord`'s merge), together: their rows and then their sync states with this provider are locked in id
 * order, which waits out any write of ours to them (the outbound worker holds its sync state across the call);
 * then their mappings are read again and each current record is read from the provider and merged field by field
 * (`judgeRemoteRecord`). A record that must be deleted, or whose read failed, is left to that path.
 */
async function mergeLinked(
  tx: EntityManager,
  changes: CatalogChanges,
  provider: ProviderId,
  def: AnyCatalog,
  linked: readonly Linked[],
  done: Done[],
  rest: InboundRecord[],
  earlierReads: Map<InboundRecord, Promise<unknown>>,
): Promise<void> {
  const entityType = def.entityType;
  const ids = linked.map((l) => l.entityId);
  const rows = await lockManyForInbound(tx, def, ids, provider);
  // As our write left them (the lock above waited for it).
  const mappings = await tx.find(ExternalMapping, { provider, entityType, entityId: { $in: ids } }, { refresh: true });
  const mappingOf = new Map(mappings.map((m) => [m.externalId, m]));
  const toRead: Array<{ record: InboundRecord; mapping: ExternalMapping; row: CatalogRowBase; echoes: Set<string> }> =
    [];
  for (const { record } of linked) {
    const mapping = mappingOf.get(record.externalId);
    const row = mapping && rows.get(mapping.entityId);
    if (!mapping || !row) {
      rest.push(record);
      continue;
    }
    const echoes = echoesOf(record, mapping);
    if (echoes.size === record.events.length)
      done.push({
        record,
        result: { outcome: 'unchanged', entityId: row.id, reason: 'our own write, already recorded' },
      });
    else toRead.push({ record, mapping, row, echoes });
  }
  const finish = (item: (typeof toRead)[number], result: Done['result']) =>
    void done.push({ record: item.record, result, echoes: item.echoes });
  const reads = await settleWithin(toRead, readsInFlight(toRead.map((r) => r.record.adapter)), READ_WAIT_MS, (r) =>
    r.record.adapter.fetch(r.record.externalId),
  );
  const merges: Array<
    (typeof toRead)[number] & { current: RemoteRecord; holds: boolean; changed: Partial<FieldValues> }
  > = [];
  reads.forEach((read, i) => {
    const item = toRead[i]!;
    const current = settledRead(read, item.record, earlierReads);
    if (!current || current.deleted) return void rest.push(item.record);
    const local = {
      values: fieldsOf(def, item.row as CatalogRow<FieldValues>) as FieldValues,
      deleted: item.row.deletedAt != null,
    };
    const verdict = judgeRemoteRecord(def, current, item.mapping, local);
    const entityId = item.row.id;
    if (verdict.action === 'ignore') finish(item, { outcome: 'unchanged', entityId, reason: verdict.reason });
    else if (verdict.action === 'skip') finish(item, { outcome: 'skipped', entityId, reason: verdict.reason });
    else if (verdict.action === 'merge')
      merges.push({ ...item, current, holds: verdict.providerHoldsResult, changed: verdict.changed });
    else rest.push(item.record);
  });
  const written = await changes.updateMany(
    tx,
    def,
    merges.map((m) => ({
      row: m.row as CatalogRow<FieldValues>,
      input: m.changed as RawValues<FieldValues>,
      source: { origin: provider, heldBy: m.holds ? provider : undefined },
    })),
  );
  merges.forEach((m, i) => {
    const outcome = written[i]!;
    const entityId = m.row.id;
    if (outcome instanceof Error) return finish(m, { outcome: 'skipped', entityId, reason: outcome.message });
    rememberHeld(m.mapping, def, m.current.values, m.holds ? m.row.version : null);
    if (m.current.internalId !== entityId) m.mapping.carriesOurId = false; // stored with its next write
    finish(m, { outcome: outcome ? 'updated' : 'unchanged', entityId });
  });
  await tx.flush();
}

/** A read's record, or undefined when it failed or is still going (then kept in `earlierReads` for the other path). */
function settledRead(
  read: Outcome<RemoteRecord | undefined>,
  record: InboundRecord,
  earlierReads: Map<InboundRecord, Promise<unknown>>,
): RemoteRecord | undefined {
  if (read.status === 'fulfilled') return read.value;
  if (read.status === 'pending') earlierReads.set(record, read.promise);
  else {
    const failed = Promise.reject(read.reason as Error);
    failed.catch(() => undefined); // awaited by the other path
    earlierReads.set(record, failed);
  }
  return undefined;
}

/**
 * Reads started at once: all of them where every adapter reads several records in a call (gathered into as few
 * calls as that takes, engine/gathered-reads.ts), else READS_IN_FLIGHT.
 */
function readsInFlight(adapters: readonly EntityAdapter<FieldValues>[]): number {
  return adapters.length > 0 && adapters.every((a) => a.fetchMany) ? adapters.length : READS_IN_FLIGHT;
}

/** The record's events that are echoes of our writes, judged against its mapping (`judgeEvent`). */
function echoesOf(record: InboundRecord, link: ExternalMapping): Set<string> {
  const echo = (e: InboundChange) =>
    judgeEvent(record.def, { alreadySeen: false, markedOurs: e.markedOurs, announced: e.announced, link }) === 'echo';
  return new Set(record.events.filter(echo).map((e) => e.eventId));
}
