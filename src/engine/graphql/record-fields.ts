import type { EntityType } from '../../core/enums.js';
import type { GraphQLContext } from './context.js';
import { toSyncStatus } from './sync-status-resolver.js';
import { ExternalMappingType, type SyncStatus } from './sync-status-type.js';

/**
 * The fields every catalog's GraphQL type has (`externalMappings`, `syncStatus`), read through the request's
 * batch loaders: a catalog's field resolvers call these, so a list of records costs one query per field.
 */
export async function externalMappingsOf(
  { loaders, services }: GraphQLContext,
  entityType: EntityType,
  id: string,
): Promise<ExternalMappingType[]> {
  const rows = await loaders.mappings(entityType).load(id);
  return rows.map((m) =>
    Object.assign(new ExternalMappingType(), {
      provider: m.provider,
      externalId: m.externalId,
      lastSyncedVersion: m.lastSyncedVersion ?? null,
      updatedAt: m.updatedAt,
      url: services.recordUrl(m.provider, entityType, m.externalId),
    }),
  );
}

export async function syncStatusOf(
  { loaders }: GraphQLContext,
  entityType: EntityType,
  id: string,
): Promise<SyncStatus[]> {
  return (await loaders.statuses(entityType).load(id)).map(toSyncStatus);
}
