import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AppError, NotFoundError } from '../../core/errors.js';
import { ImportJob } from '../entities/index.js';
import { assertUuid } from '../records.js';
import { requeue } from '../requeue.js';
import type { GraphQLContext } from './context.js';
import { EntityType, Provider } from './enums.js';
import { ImportJobType } from './import-job-type.js';
import { ProviderStatus } from './provider-status-type.js';
import { SyncStatus } from './sync-status-type.js';
import { toSyncStatus } from './sync-status-resolver.js';

const toJob = (j: ImportJob): ImportJobType =>
  Object.assign(new ImportJobType(), { ...j, error: j.error ?? null, finishedAt: j.finishedAt ?? null });

@Resolver()
export class SyncAdminResolver {
  @Mutation(() => SyncStatus, {
    description: "Queues the record's current version for one provider again (after FAILED, or to force a resync).",
  })
  async retrySync(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('entityType', () => EntityType) entityType: string,
    @Arg('entityId', () => ID) entityId: string,
    @Arg('provider', () => Provider) provider: string,
  ): Promise<SyncStatus> {
    assertUuid(entityId, 'entityId');
    if (!services.changes.providersFor(entityType).includes(provider)) {
      throw new AppError(
        'BAD_USER_INPUT',
        `${provider} does not sync ${entityType} records on this server (not in SYNC_PROVIDERS, or no adapter)`,
        { details: { provider, entityType } },
      );
    }
    const status = await requeue(em, services.catalogs.get(entityType), entityId, provider);
    services.afterCommit();
    return toSyncStatus(status);
  }

  @Mutation(() => ImportJobType, {
    description:
      'Starts importing every record of a provider (links by our id or natural key, creates the rest). Poll importJob.',
  })
  async importFromProvider(
    @Ctx() { services }: GraphQLContext,
    @Arg('provider', () => Provider) provider: string,
    @Arg('entityType', () => EntityType) entityType: string,
  ): Promise<ImportJobType> {
    if (!services.imports) throw new AppError('BAD_USER_INPUT', 'No provider is configured on this server');
    return toJob(await services.imports.start(provider, entityType));
  }

  @Query(() => [ProviderStatus], { description: 'Which providers this server syncs with, and how they are doing.' })
  providers(@Ctx() { services }: GraphQLContext): ProviderStatus[] {
    return services.providers();
  }

  @Query(() => ImportJobType)
  async importJob(@Ctx() { em }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ImportJobType> {
    assertUuid(id);
    const job = await em.findOne(ImportJob, { id });
    if (!job) throw new NotFoundError('ImportJob', id);
    return toJob(job);
  }
}
