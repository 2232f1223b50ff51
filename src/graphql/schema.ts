import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { createSyncStatusPubSub, type SyncStatusPubSub } from './pubsub.js';
import { CustomerResolver } from './resolvers/customer-resolver.js';
import { SyncAdminResolver } from './resolvers/sync-admin-resolver.js';
import { SyncStatusResolver } from './resolvers/sync-status-resolver.js';

export const resolvers = [CustomerResolver, SyncStatusResolver, SyncAdminResolver] as const;

export async function buildAppSchema(pubSub: SyncStatusPubSub = createSyncStatusPubSub()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    pubSub,
    // Input rules live in the domain layer (one place for GraphQL, webhooks and imports alike).
    validate: false,
    emitSchemaFile: false,
  });
}
