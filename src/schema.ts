import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { catalogResolvers } from './catalogs/index.js';
import { defineSyncEnums } from './engine/graphql/enums.js';
import { createSyncStatusPubSub, type SyncStatusPubSub } from './engine/graphql/pubsub.js';
import { SyncAdminResolver } from './engine/graphql/sync-admin-resolver.js';
import { SyncHistoryResolver } from './engine/graphql/sync-history-resolver.js';
import { SyncStatusResolver } from './engine/graphql/sync-status-resolver.js';
import { entityTypes, providerIds } from './registry.js';

/** The engine's resolvers (sync status, admin) plus every catalog's. */
export const resolvers = [
  ...catalogResolvers,
  SyncStatusResolver,
  SyncAdminResolver,
  SyncHistoryResolver,
] as unknown as NonEmptyArray<() => unknown>;

export async function buildAppSchema(
  pubSub: SyncStatusPubSub = createSyncStatusPubSub(),
  providers: readonly string[] = providerIds,
  catalogs: readonly string[] = entityTypes,
): Promise<GraphQLSchema> {
  defineSyncEnums(providers, catalogs);
  return buildSchema({
    resolvers,
    pubSub,
    // Input rules live in the catalog definitions (one place for GraphQL, webhooks and imports alike).
    validate: false,
    emitSchemaFile: false,
  });
}
