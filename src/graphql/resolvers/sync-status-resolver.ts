import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { assertUuid } from '../../domain/customer-service.js';
import { ExternalMapping, SyncState } from '../../domain/entities/index.js';
import { SyncStateValue } from '../../domain/enums.js';
import { listStatuses, toView, type SyncStatusView } from '../../domain/sync-status.js';
import { pageSize } from '../pagination.js';
import type { GraphQLContext } from '../context.js';
import { SYNC_STATUS_TOPIC } from '../pubsub.js';
import { EntityType, Provider } from '../types/enums.js';
import { SyncStatus } from '../types/sync-status.js';

export function toSyncStatus(v: SyncStatusView): SyncStatus {
  return Object.assign(new SyncStatus(), {
    ...v,
    lastSyncedAt: v.lastSyncedAt ? new Date(v.lastSyncedAt) : null,
    updatedAt: new Date(v.updatedAt),
  });
}

@ArgsType()
class SyncStatusFilter {
  @Field(() => EntityType, { nullable: true, description: 'Only changes of this kind of record.' })
  entityType?: EntityType;

  @Field(() => ID, { nullable: true, description: 'Only changes of this record.' })
  entityId?: string;
}

@Resolver(() => SyncStatus)
export class SyncStatusResolver {
  @Query(() => [SyncStatus], { description: 'The sync state of one record with each provider.' })
  async syncStatus(
    @Ctx() { em }: GraphQLContext,
    @Arg('entityType', () => EntityType) entityType: EntityType,
    @Arg('entityId', () => ID) entityId: string,
  ): Promise<SyncStatus[]> {
    assertUuid(entityId, 'entityId');
    return ((await listStatuses(em, entityType, [entityId])).get(entityId) ?? []).map(toSyncStatus);
  }

  @Query(() => [SyncStatus], {
    description: 'Records whose latest change failed to reach a provider (newest first): what retrySync is for.',
  })
  async syncFailures(
    @Ctx() { em }: GraphQLContext,
    @Arg('provider', () => Provider, { nullable: true }) provider?: Provider,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
  ): Promise<SyncStatus[]> {
    const limit = pageSize(first, 50);
    const states = await em.find(
      SyncState,
      { state: SyncStateValue.FAILED, ...(provider ? { provider } : {}) },
      { orderBy: { updatedAt: 'desc' }, limit },
    );
    const mappings = await em.find(ExternalMapping, { entityId: { $in: states.map((s) => s.entityId) } });
    return states.map((s) =>
      toSyncStatus(
        toView(s, mappings.find((m) => m.entityId === s.entityId && m.provider === s.provider)?.externalId ?? null),
      ),
    );
  }

  @Subscription(() => SyncStatus, {
    topics: SYNC_STATUS_TOPIC,
    description: 'Streams sync state changes, optionally only those of one kind of record or one record.',
    filter: ({ payload, args }: { payload: SyncStatusView; args: SyncStatusFilter }) =>
      (!args.entityType || payload.entityType === args.entityType) &&
      (!args.entityId || payload.entityId === args.entityId),
  })
  syncStatusChanged(
    @Root() payload: SyncStatusView,
    @Args(() => SyncStatusFilter) _filter: SyncStatusFilter,
  ): SyncStatus {
    return toSyncStatus(payload);
  }
}
