import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues, RawValues, RecordSnapshot } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import type { EntityAdapter } from '../core/provider.js';
import { ExternalMapping } from './entities/index.js';
import { adoptExisting } from './mappings.js';

export interface Creating {
  snap: RecordSnapshot;
  /** The create's intent (a mapping without a provider id). */
  mapping: ExternalMapping;
}

/**
 * Before twins are created at a provider: a live provider record with the same natural key that is no one's twin
 * (no mapping, carries no id of ours) is linked instead, the oldest first, one per record. The mirror of linking
 * an unlinked provider record by natural key on the inbound side (apply-remote.ts `linkByKeyOrCreate`): a person
 * who made the same customer in Stripe and in Salesforce at once ends with one customer, whichever side we hear
 * of first. README, "Same natural key on two records".
 */
export async function matchExisting(
  tx: EntityManager,
  def: AnyCatalog,
  adapter: EntityAdapter<FieldValues>,
  provider: ProviderId,
  creating: Creating[],
): Promise<void> {
  const field = def.naturalKey;
  if (!field || !adapter.findByNaturalKey) return;
  const keyOf = (values: RawValues<FieldValues>) => {
    const value = def.canonical(values)[field];
    return value === null || value === undefined || value === '' ? null : String(value);
  };
  const wanted = creating.filter((c) => keyOf(c.snap) !== null);
  if (wanted.length === 0) return;
  const found = (await adapter.findByNaturalKey(wanted.map((c) => c.snap))).filter(
    (r) => !r.deleted && r.internalId === null,
  );
  if (found.length === 0) return;
  const linked = await tx.find(ExternalMapping, {
    provider,
    entityType: def.entityType,
    externalId: { $in: found.map((r) => r.externalId) },
  });
  const taken = new Set(linked.map((m) => m.externalId));
  for (const c of wanted) {
    const match = found.find((r) => !taken.has(r.externalId) && keyOf(r.values) === keyOf(c.snap));
    if (!match) continue;
    taken.add(match.externalId);
    adoptExisting(c.mapping, def, match);
  }
  await tx.flush();
}
