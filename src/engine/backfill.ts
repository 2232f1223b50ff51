import { randomUUID } from 'node:crypto';
import type { AnyCatalog, FieldValues } from '../core/catalog.js';
import type { EntityType, ProviderId } from '../core/enums.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EntityAdapter, ProviderConnection, RemoteRecord } from '../core/provider.js';
import { LockKeys, lockXact } from '../platform/db/advisory-locks.js';
import type { Orm } from '../platform/db/orm.js';
import type { ApplyResult } from './apply-remote.js';
import type { Catalogs } from './catalogs.js';
import type { CatalogChanges } from './changes.js';
import { ExternalMapping, ImportJob, ImportJobStatus } from './entities/index.js';
import { applyImportPage, type PageOutcome } from './import-page.js';
import { applyProviderChange, type ProviderChange } from './provider-change.js';
import { pruneTombstones } from './tombstones.js';

/** Progress is saved at least every PERSIST_EVERY records; a RUNNING job silent this long is taken as dead. */
const ABANDONED_AFTER_MS = 5 * 60_000;
const PERSIST_EVERY = 25;
/** Listed records applied together (`applyImportPage`): Stripe lists 100 at a time. */
const PAGE_SIZE = 100;
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
 * applies each like an inbound change (link by our id or natural key, create the rest, update what differs). A page
 * of 100 is applied set-based first (new records and ones listed as last synced: `applyImportPage`), the rest one
 * by one; the next page is read meanwhile. Progress is saved on the ImportJob after each page and at least every
 * 25 records, so clients can poll `importJob(id)`. One job per provider
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
    await pruneTombstones(this.orm.em.fork());
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
    const tally = (result: ApplyResult, externalId: string) => {
      if (result.outcome === 'skipped')
        this.logger.warn('import skipped a record', { externalId, reason: result.reason });
      job.processed += 1;
      job[result.outcome === 'deleted' ? 'updated' : result.outcome] += 1;
      sincePersist += 1;
    };
    const persist = async () => {
      sincePersist = 0;
      await em.flush();
      this.afterCommit();
    };
    const count = async (result: ApplyResult, externalId: string) => {
      tally(result, externalId);
      if (sincePersist >= PERSIST_EVERY) await persist();
    };
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
      await count(result, change.externalId);
    };
    const applyPage = async (page: RemoteRecord[]) => {
      let outcome: PageOutcome;
      try {
        outcome = await em.fork().transactional((tx) => applyImportPage(tx, this.changes, def, provider, page));
      } catch (error) {
        // E.g. a deadlock with a sync worker: nothing of the page was written; each record goes its own way.
        this.logger.warn('import page could not be applied at once; applying its records one by one', { error });
        outcome = { results: [], rest: page };
      }
      for (const result of outcome.results) tally(result, result.externalId);
      await persist();
      for (const record of outcome.rest) await apply({ externalId: record.externalId, known: record });
    };
    try {
      const listedIds = new Set<string>();
      const listed = pages(adapter.list(), PAGE_SIZE);
      // The next page is read from the provider while this one is written (its failure surfaces when awaited).
      const prefetch = () => {
        const read = listed.next();
        read.catch(() => undefined);
        return read;
      };
      let next = prefetch();
      for (let page = await next; !page.done; page = await next) {
        next = prefetch();
        for (const r of page.value) listedIds.add(r.externalId);
        await applyPage(page.value);
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

/** An async iterable in arrays of up to `size` (the last may be shorter). */
async function* pages<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length >= size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
