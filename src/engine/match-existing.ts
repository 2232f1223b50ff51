import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues, RawValues, RecordSnapshot } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { EntityAdapter, RemoteRecord } from '../core/provider.js';
import { ExternalMapping } from './entities/index.js';
import { linkExisting } from './mappings.js';

export interface Creating {
  snap: RecordSnapshot;
  /** The create's intent (a mapping without a provider id). */
  mapping: ExternalMapping;
}

const keyOf = (def: AnyCatalog, values: RawValues<FieldValues>): string | null => {
  const value = def.naturalKey ? def.canonical(values)[def.naturalKey] : undefined;
  return value === null || value === undefined || value === '' ? null : String(value);
};

/**
 * Before twins are created at a provider: the live provider records with the same natural key as one of these
 * records that carry no id of ours (`EntityAdapter.findByNaturalKey`). A provider call: made before the worker
 * takes any lock, so no inbound change waits for it. Throws the adapter's ProviderError.
 */
export async function lookUpExisting(
  def: AnyCatalog,
  adapter: EntityAdapter<FieldValues>,
  snaps: RecordSnapshot[],
): Promise<RemoteRecord[]> {
  const wanted = snaps.filter((s) => !s.deleted && keyOf(def, s) !== null);
  if (!def.naturalKey || !adapter.findByNaturalKey || wanted.length === 0) return [];
  return (await adapter.findByNaturalKey(wanted)).filter((r) => !r.deleted && r.internalId === null);
}

/**
 * Links, instead of creating, a provider record found by `lookUpExisting` that is still no one's twin (checked
 * here, under the records' sync-state locks, before any intent is committed), the oldest first, one per record.
 * The mirror of linking an unlinked provider record by natural key on the inbound side (apply-remote.ts
 * `linkByKeyOrCreate`, which waits for these locks and then finds the link): a person who made the same customer
 * in Stripe and in Salesforce at once ends with one customer, whichever side we hear of first. README, "Same
 * natural key on two records".
 */
export async function adoptExisting(
  tx: EntityManager,
  def: AnyCatalog,
  provider: ProviderId,
  creating: Creating[],
  found: RemoteRecord[],
): Promise<void> {
  if (found.length === 0 || creating.length === 0) return;
  const linked = await tx.find(ExternalMapping, {
    provider,
    entityType: def.entityType,
    externalId: { $in: found.map((r) => r.externalId) },
  });
  const taken = new Set(linked.map((m) => m.externalId));
  for (const c of creating) {
    const key = keyOf(def, c.snap);
    const match =
      key === null ? undefined : found.find((r) => !taken.has(r.externalId) && keyOf(def, r.values) === key);
    if (!match) continue;
    taken.add(match.externalId);
    linkExisting(c.mapping, def, match);
  }
  await tx.flush();
}
