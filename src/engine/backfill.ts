import { randomUUID } from 'node:crypto';
import type { AnyCatalog, FieldValues } from '../core/catalog.js';
import type { EntityType, ProviderId } from '../core/enums.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EntityAdapter, ProviderConnection } from '../core/provider.js';
import { LockKeys, lockXact } from '../platform/db/advisory-locks.js';
import type { Orm } from '../platform/db/orm.js';
import type { ApplyResult } from './apply-remote.js';
import type { Catalogs } from './catalogs.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping, ImportJob, ImportJobStatus } from './entities/index.js';
import { applyProviderChange, type ProviderChange } from './provider-change.js';

/** Progress is saved at least every 25 records; a RUNNING job silent this long is taken as dead. */
const ABANDONED_AFTER_MS = 5 * 60_000;
/** Linked records read per page when looking for deletes. */
const MAPPING_PAGE = 500;

export interface BackfillOptions {
  /**
   * Also apply deletes: once every listed record is applied, each linked record the provider did not list is
   * read again (`EntityAdapter.fetch`) and applied, so one deleted there is deleted here. For a resync after
   * the provider's change feed lost track (e.g. its delete log was purged).
   */
  findDeleted?: boolean;
}

/**
 * Backfill (importFromProvider), for any catalog a provider has an adapter for: pages through every record and
 * applies each like an inbound change (link by our id or natural key, create the rest, update what differs).
 * Progress is saved on the ImportJob every 25 records, so clients can poll `importJob(id)`. One job per provider
 * and entity type runs at a time, across all API instances.
 */
export class Backfill {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly orm: Orm,
    private readonly providers: ReadonlyMap<ProviderId, ProviderConnection>,
    private readonly catalogs: Catalogs,
    private readonly changes: CatalogChanges,
    private readonly logger: Logger,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async start(provider: ProviderId, entityType: EntityType, opts: BackfillOptions = {}): Promise<ImportJob> {
    const connection = this.providers.get(provider);
    if (!connection)
      throw new AppError('BAD_USER_INPUT', `${provider} is not configured on this server`, { details: { provider } });
    const adapter = connection.adapters.find((a) => a.entityType === entityType);
    if (!adapter || !this.catalogs.has(entityType)) {
      throw new AppError('BAD_USER_INPUT', `Importing ${entityType} from ${provider} is not supported`, {
        details: { provider, entityType },
      });
    }
    const def = this.catalogs.get(entityType);
    const em = this.orm.em.fork();
    const job = await em.transactional(async (tx) => {
      // One import per provider and entity type across all API instances: serialize the check on a lock.
      await lockXact(tx, LockKeys.import, `${provider}:${entityType}`);
      const active = await tx.findOne(ImportJob, { provider, entityType, status: ImportJobStatus.RUNNING });
      if (active && Date.now() - active.updatedAt.getTime() < ABANDONED_AFTER_MS)
        return { job: active, started: false };
      if (active) {
        active.status = ImportJobStatus.FAILED;
        active.error = 'abandoned: its process stopped reporting progress';
        active.finishedAt = new Date();
      }
      return {
        job: tx.create(ImportJob, { id: randomUUID(), provider, entityType, status: ImportJobStatus.RUNNING }),
        started: true,
      };
    });
    if (!job.started) return job.job;
    const run = this.run(job.job.id, connection, def, adapter, opts).finally(() => this.running.delete(job.job.id));
    this.running.set(job.job.id, run);
    return job.job;
  }

  /** Resolves when every job started by this runner has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(
    jobId: string,
    connection: ProviderConnection,
    def: AnyCatalog,
    adapter: EntityAdapter<FieldValues>,
    opts: BackfillOptions,
  ): Promise<void> {
    const provider = connection.id;
    const em = this.orm.em.fork();
    const job = await em.findOneOrFail(ImportJob, { id: jobId });
    let sincePersist = 0;
    const apply = async (change: ProviderChange) => {
      let result: ApplyResult;
      try {
        result = await em.fork().transactional((tx) =>
          // A page can be minutes old by the time we reach a record: a linked record that looks changed is
          // read again, under the same locks the sync workers use.
          applyProviderChange(tx, this.changes, def, adapter, provider, change, {
            trustUnlinked: true,
            adapterFor: (entityType) => connection.adapters.find((a) => a.entityType === entityType),
          }),
        );
      } catch (error) {
        // One record that cannot be applied (a provider error on its re-fetch, a constraint) does not end the
        // import: it is counted as skipped and logged, and the next import or change picks it up again.
        this.logger.warn('import could not apply a record', { externalId: change.externalId, error });
        result = { outcome: 'skipped', reason: error instanceof Error ? error.message : String(error) };
      }
      if (result.outcome === 'skipped')
        this.logger.warn('import skipped a record', { externalId: change.externalId, reason: result.reason });
      job.processed += 1;
      const outcome = result.outcome === 'deleted' ? 'updated' : result.outcome;
      job[outcome] += 1;
      if (++sincePersist >= 25) {
        sincePersist = 0;
        await em.flush();
        this.afterCommit();
      }
    };
    try {
      const listedIds = new Set<string>();
      for await (const listed of adapter.list()) {
        listedIds.add(listed.externalId);
        await apply(listed);
      }
      if (opts.findDeleted) {
        for await (const externalId of this.linkedIds(provider, def.entityType)) {
          if (!listedIds.has(externalId)) await apply({ externalId });
        }
      }
      job.status = ImportJobStatus.COMPLETED;
    } catch (err) {
      job.status = ImportJobStatus.FAILED;
      job.error = err instanceof Error ? err.message : String(err);
      this.logger.error('import failed', { jobId, error: err });
    }
    job.finishedAt = new Date();
    await em.flush();
    this.afterCommit();
  }

  /** The provider ids of every record linked at this provider, page by page. */
  private async *linkedIds(provider: ProviderId, entityType: EntityType): AsyncIterable<string> {
    let after = '';
    for (;;) {
      const page = await this.orm.em
        .fork()
        .find(
          ExternalMapping,
          { provider, entityType, externalId: { $ne: null, $gt: after } },
          { orderBy: { externalId: 'asc' }, limit: MAPPING_PAGE, fields: ['externalId'] },
        );
      for (const m of page) if (m.externalId) yield m.externalId;
      const last = page[page.length - 1]?.externalId;
      if (page.length < MAPPING_PAGE || !last) return;
      after = last;
    }
  }
}
