import { Arg, Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { SyncStateValue } from '../../core/enums.js';
import { pageSize } from '../../platform/graphql/pagination.js';
import { ExternalMapping, SyncState } from '../entities/index.js';
import { assertUuid } from '../records.js';
import { listStatuses, toView, type SyncStatusView } from '../sync-states.js';
import type { GraphQLContext } from './context.js';
import { EntityType, Provider } from './enums.js';
import { SYNC_STATUS_TRIGGER } from './pubsub.js';
import { SyncStatus } from './sync-status-type.js';

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
  entityType?: string;

  @Field(() => ID, { nullable: true, description: 'Only changes of this record.' })
  entityId?: string;
}

@Resolver(() => SyncStatus)
export class SyncStatusResolver {
  @Query(() => [SyncStatus], { description: 'The sync state of one record with each provider.' })
  async syncStatus(
    @Ctx() { em }: GraphQLContext,
    @Arg('entityType', () => EntityType) entityType: string,
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
    @Arg('provider', () => Provider, { nullable: true }) provider?: string,
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
    topics: SYNC_STATUS_TRIGGER,
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
