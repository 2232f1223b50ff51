import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { ProviderId } from '../core/enums.js';
import { ProviderTombstone } from './entities/index.js';

/** How long a tombstone is kept: far longer than an import page can wait between its listing and its writing. */
const KEEP_MS = 24 * 60 * 60_000;

/**
 * A provider record deleted while linked to nothing here: remembered, so an import page listed before the delete
 * does not create it (`import-page.ts`, `provider-change.ts`). Inside the caller's transaction, under the record's
 * lock.
 */
export async function rememberGone(
  tx: EntityManager,
  provider: ProviderId,
  entityType: string,
  externalId: string,
): Promise<void> {
  await tx.execute(
    `insert into provider_tombstone (id, provider, entity_type, external_id, deleted_at) values (?, ?, ?, ?, now())
     on conflict (provider, entity_type, external_id) do update set deleted_at = excluded.deleted_at`,
    [randomUUID(), provider, entityType, externalId],
  );
}

/** Which of these provider records were deleted while linked to nothing here (one statement). */
export async function goneOf(
  tx: EntityManager,
  provider: ProviderId,
  entityType: string,
  externalIds: readonly string[],
): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await tx.find(
    ProviderTombstone,
    { provider, entityType, externalId: { $in: [...externalIds] } },
    { fields: ['externalId'] },
  );
  return new Set(rows.map((r) => r.externalId));
}

/** Drops tombstones no import can need any more (called as an import starts). */
export async function pruneTombstones(em: EntityManager): Promise<void> {
  await em.nativeDelete(ProviderTombstone, { deletedAt: { $lt: new Date(Date.now() - KEEP_MS) } });
}
