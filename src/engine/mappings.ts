import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { AnyCatalog, FieldValues, RawValues } from '../core/catalog.js';
import type { ProviderId } from '../core/enums.js';
import { heldFacts } from '../core/sync-rules.js';
import { ExternalMapping } from './entities/index.js';

type Stored = Record<string, string | number | null>;

/**
 * Records on a mapping what the provider now holds (core/sync-rules.ts `heldFacts`), and the local version it
 * holds when that is known. The version never goes down: the provider holds at least what it held before.
 */
export function rememberHeld(
  mapping: ExternalMapping,
  def: AnyCatalog,
  values: RawValues<FieldValues>,
  version?: number | null,
): void {
  const facts = heldFacts(def, values);
  mapping.lastSyncedHash = facts.lastSyncedHash;
  mapping.lastSyncedData = facts.lastSyncedData as Stored;
  if (version != null) mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, version);
}

/** A new link between a local record and a provider record (content unknown until `rememberHeld`). */
export function newMapping(
  tx: EntityManager,
  def: AnyCatalog,
  entityId: string,
  provider: ProviderId,
  externalId: string,
): ExternalMapping {
  return tx.create(ExternalMapping, { id: randomUUID(), entityType: def.entityType, entityId, provider, externalId });
}
