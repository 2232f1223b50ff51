import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { AnyCatalog, FieldValues } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { EntityAdapter, InboundChange, RemoteRecord } from '../core/provider.js';
import { judgeEvent } from '../core/sync-rules.js';
import { settleEach } from '../platform/concurrency.js';
import type { ApplyResult } from './apply-remote.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { applyImportPage } from './import-page.js';
import { lockRemoteRecords } from './record-locks.js';
import { isUuid } from './records.js';

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
 * The records of an inbound chunk, set-based, in the caller's transaction: the two cases that make up nearly all of
 * a busy webhook stream are settled together with a fixed number of statements (locks, reads, one multi-row
 * insert per table), like an import page (`applyImportPage`):
 * - linked, and every event an echo (announces what the provider last held, or is marked ours): nothing to apply;
 * - not linked and carrying no id of ours: its current record is read from the provider (never the payload) and,
 *   if nothing local has its natural key, created.
 * Everything else (a change of a linked record, a delete, our id on it, a parent field, a failed read, a natural
 * key taken here) is returned for the record-by-record path, which waits out our writes and merges field by field.
 * The locks are that path's, in its order (provider records, then natural keys), and a record's events are claimed
 * after its lock, as that path does, so the two never wait on each other in a cycle.
 */
export async function applyInboundBatch(
  tx: EntityManager,
  changes: CatalogChanges,
  provider: ProviderId,
  records: readonly InboundRecord[],
): Promise<InboundBatchOutcome> {
  const rest: InboundRecord[] = [];
  const candidates = records.filter((r) => {
    const together =
      !r.def.parents?.length && r.events.every((e) => !e.announced?.deleted && !carriesOurId(e.announced));
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
  const done: Array<{ record: InboundRecord; result: Omit<SettledEvent, 'eventId'> }> = [];
  const toRead: InboundRecord[] = [];
  for (const record of candidates) {
    const mapping = mappingOf.get(`${record.def.entityType}:${record.externalId}`);
    if (!mapping) {
      // Marked ours but not linked: our create's reply is in flight or lost; that path adopts what it made.
      (record.events.some((e) => e.markedOurs) ? rest : toRead).push(record);
      continue;
    }
    const echoes = record.events.every(
      (e) =>
        judgeEvent(record.def, {
          alreadySeen: false,
          markedOurs: e.markedOurs,
          announced: e.announced,
          link: mapping,
        }) === 'echo',
    );
    if (echoes) done.push({ record, result: { outcome: 'echo', entityId: mapping.entityId } });
    else rest.push(record);
  }
  const reads = await settleEach(toRead, READS_IN_FLIGHT, (r) => r.adapter.fetch(r.externalId));
  const currentByDef = new Map<AnyCatalog, Map<string, { record: InboundRecord; current: RemoteRecord }>>();
  reads.forEach((read, i) => {
    const record = toRead[i]!;
    const current = read.status === 'fulfilled' ? read.value : undefined;
    // A failed read is retried (or dead-lettered) by that path, record by record.
    if (!current || current.deleted || carriesOurId(current)) return void rest.push(record);
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
  const claimed = await claim(
    tx,
    provider,
    done.flatMap((d) => d.record.events.map((e) => e.eventId)),
  );
  // The record was applied once, for all its events: the first one claimed carries the result.
  const settled = done.flatMap(({ record, result }) => {
    let first = true;
    return record.events.map((e): SettledEvent => {
      if (!claimed.has(e.eventId)) return { eventId: e.eventId, outcome: 'duplicate', entityId: result.entityId };
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

/** Claims the event ids in the inbox (one statement); returns those not claimed before. */
async function claim(tx: EntityManager, provider: ProviderId, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const unique = [...new Set(eventIds)];
  const rows = await tx.execute<{ event_id: string }[]>(
    `insert into inbox_event (id, provider, event_id, received_at) values ${unique.map(() => '(?, ?, ?, now())').join(', ')}
       on conflict do nothing returning event_id`,
    unique.flatMap((eventId) => [randomUUID(), provider, eventId]),
  );
  return new Set(rows.map((r) => r.event_id));
}

function carriesOurId(record: RemoteRecord | undefined): boolean {
  return !!record?.internalId && isUuid(record.internalId);
}
