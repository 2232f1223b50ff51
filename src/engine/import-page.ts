import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues, RawValues } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import { ValidationError } from '../core/errors.js';
import type { RemoteRecord } from '../core/provider.js';
import { judgeEvent } from '../core/sync-rules.js';
import type { ApplyResult } from './apply-remote.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping } from './entities/index.js';
import { newMapping, rememberHeld } from './mappings.js';
import { lockNaturalKeys, lockRemoteRecords } from './record-locks.js';
import { ourIdOn } from './records.js';
import { goneOf } from './tombstones.js';

export interface PageOutcome {
  /** Settled here, one per record settled. */
  results: (ApplyResult & { externalId: string })[];
  /** Left for the record-by-record path (`applyProviderChange`). */
  rest: RemoteRecord[];
}

/**
 * An import page, set-based: the two cases that make up nearly all of an import are settled together, in the
 * caller's transaction, with a fixed number of statements whatever the page size (locks, two reads, one multi-row
 * insert per table):
 * - linked, and listed exactly as the provider last held it: unchanged;
 * - not linked, carrying no id of ours, no parent, and no live local record with its natural key: created (with
 *   its mapping, SYNCED at this provider, PENDING at the others; our id goes with its next write).
 * Everything else (changed, to be linked by key, carrying our id, with parents, deleted at the provider since it
 * was listed, a validation failure) is returned for the record-by-record path, which judges each one. The locks are the ones that path takes (every
 * provider record, then every natural key), so the two never apply one record at once.
 */
export async function applyImportPage(
  tx: EntityManager,
  changes: CatalogChanges,
  def: AnyCatalog,
  provider: ProviderId,
  page: readonly RemoteRecord[],
): Promise<PageOutcome> {
  const results: PageOutcome['results'] = [];
  const rest: RemoteRecord[] = [];
  if (page.length === 0) return { results, rest };
  const entityType = def.entityType;
  await lockRemoteRecords(
    tx,
    provider,
    page.map((r) => r.externalId),
  );
  const linked = await tx.find(ExternalMapping, {
    provider,
    entityType,
    externalId: { $in: page.map((r) => r.externalId) },
  });
  const mappingOf = new Map(linked.map((m) => [m.externalId, m]));
  // Deleted at the provider since the page was listed (its delete event found nothing to delete): read again.
  const gone = await goneOf(
    tx,
    provider,
    entityType,
    page.filter((r) => !mappingOf.has(r.externalId)).map((r) => r.externalId),
  );
  const fresh: { record: RemoteRecord; fields: FieldValues }[] = [];
  for (const record of page) {
    const mapping = mappingOf.get(record.externalId);
    if (mapping) {
      const facts = { alreadySeen: false, markedOurs: false, announced: record, link: mapping };
      if (judgeEvent(def, facts) === 'echo') {
        results.push({ externalId: record.externalId, outcome: 'unchanged', entityId: mapping.entityId });
      } else rest.push(record);
      continue;
    }
    const hasParent = def.parents?.some((p) => record.values[p.field] != null && record.values[p.field] !== '');
    if (record.deleted || hasParent || ourIdOn(record) || gone.has(record.externalId)) {
      rest.push(record);
      continue;
    }
    const read = def.fromRemote(record.values);
    if ('skip' in read) results.push({ externalId: record.externalId, outcome: 'skipped', reason: read.skip });
    else fresh.push({ record, fields: read.fields });
  }
  const creates = await withoutLocalTwin(tx, def, fresh, rest);
  const valid = creates.filter(({ record, fields }) => {
    try {
      def.normalize(fields);
      return true;
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      results.push({ externalId: record.externalId, outcome: 'skipped', reason: err.message });
      return false;
    }
  });
  const source = { origin: provider, heldBy: provider };
  const rows = await changes.createMany(
    tx,
    def,
    valid.map((c) => c.fields as RawValues<FieldValues>),
    source,
  );
  valid.forEach(({ record }, i) => {
    const row = rows[i]!;
    const mapping = newMapping(tx, def, row.id, provider, record.externalId);
    rememberHeld(mapping, def, record.values, row.version);
    mapping.carriesOurId = false; // apply-remote.ts lacksOurId: stored lazily, with the record's next write
    results.push({ externalId: record.externalId, outcome: 'created', entityId: row.id });
  });
  await tx.flush();
  return { results, rest };
}

/**
 * The new records whose natural key no live local record has: the others may link to one (README "Same natural
 * key on two records"), which the record-by-record path judges; they go to `rest`. Locks every key first, like
 * that path, so a record created meanwhile with one of these keys is seen.
 */
async function withoutLocalTwin<T extends { record: RemoteRecord; fields: FieldValues }>(
  tx: EntityManager,
  def: AnyCatalog,
  fresh: T[],
  rest: RemoteRecord[],
): Promise<T[]> {
  const key = def.naturalKey;
  if (!key) return fresh;
  const values = [...new Set(fresh.map((f) => f.fields[key]).filter((v) => v != null && v !== ''))];
  if (values.length === 0) return fresh;
  await lockNaturalKeys(tx, def, values);
  const taken = await tx.find(def.entity, { [key]: { $in: values }, deletedAt: null } as never, {
    fields: [key] as never,
  });
  const takenValues = new Set(taken.map((row) => (row as FieldValues)[key]));
  return fresh.filter((f) => {
    if (!takenValues.has(f.fields[key]!)) return true;
    rest.push(f.record);
    return false;
  });
}
