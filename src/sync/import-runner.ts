import { randomUUID } from 'node:crypto';
import { LockKeys, lockXact } from '../db/advisory-locks.js';
import type { Connector, ExternalCustomer } from '../connectors/connector.js';
import type { CustomerService } from '../domain/customer-service.js';
import { customerHash } from '../domain/content-hash.js';
import { ExternalMapping, ImportJob, ImportJobStatus } from '../domain/entities/index.js';
import { EntityType, type Provider } from '../domain/enums.js';
import type { Orm } from '../db/orm.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { applyExternalCustomer, catalogFields, type ApplyResult } from './apply-external.js';
import { lockExternalRecord, lockForInbound } from './record-lock.js';

/**
 * Backfill: pages through every record of a provider and applies each like an inbound change (link by our id
 * or email, create the rest, update what differs). Progress is saved on the ImportJob every page, so clients
 * can poll `importJob(id)`. One job per provider and entity type runs at a time.
 */
/** Progress is saved at least every 25 records; a RUNNING job silent this long is taken as dead. */
const ABANDONED_AFTER_MS = 5 * 60_000;

export class ImportRunner {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly orm: Orm,
    private readonly connectors: ReadonlyMap<Provider, Connector>,
    private readonly customers: CustomerService,
    private readonly logger: Logger,
    private readonly afterCommit: () => void = () => undefined,
  ) {}

  async start(provider: Provider, entityType: EntityType): Promise<ImportJob> {
    const connector = this.connectors.get(provider);
    if (!connector)
      throw new AppError('BAD_USER_INPUT', `${provider} is not configured on this server`, { details: { provider } });
    if (entityType !== EntityType.CUSTOMER) {
      throw new AppError('BAD_USER_INPUT', `Importing ${entityType} is not supported yet`, { details: { entityType } });
    }
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
    const run = this.run(job.job.id, connector).finally(() => this.running.delete(job.job.id));
    this.running.set(job.job.id, run);
    return job.job;
  }

  /** Resolves when every job started by this runner has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(jobId: string, connector: Connector): Promise<void> {
    const em = this.orm.em.fork();
    const job = await em.findOneOrFail(ImportJob, { id: jobId });
    try {
      let sincePersist = 0;
      for await (const listed of connector.customers.list()) {
        let result: ApplyResult;
        try {
          result = await em.fork().transactional(async (tx) => {
            // A page can be minutes old by the time we reach a record: for linked records that look changed, apply
            // the current version, read under the same lock the sync workers use.
            await lockExternalRecord(tx, connector.provider, listed.externalId);
            let record: ExternalCustomer | undefined = listed;
            const mapping = await tx.findOne(ExternalMapping, {
              provider: connector.provider,
              entityType: EntityType.CUSTOMER,
              externalId: listed.externalId,
            });
            const listedFields = catalogFields(listed);
            const listedHash = listedFields ? customerHash(listedFields) : null;
            if (mapping && mapping.lastSyncedHash !== listedHash) {
              await lockForInbound(tx, mapping.entityId, connector.provider);
              record = await connector.customers.fetch(listed.externalId);
            }
            return applyExternalCustomer(tx, this.customers, connector.provider, listed.externalId, record);
          });
        } catch (error) {
          // One record that cannot be applied (a provider error on its re-fetch, a constraint) does not end the
          // import: it is counted as skipped and logged, and the next import or change picks it up again.
          this.logger.warn('import could not apply a record', { externalId: listed.externalId, error });
          result = { outcome: 'skipped', reason: error instanceof Error ? error.message : String(error) };
        }
        const record = listed;
        if (result.needsLink && result.customerId) {
          await connector.customers
            .linkInternalId(record.externalId, result.customerId, {
              idempotencyKey: connector.idempotencyKey(`import-${jobId}-${record.externalId}`, 'link'),
            })
            .catch((error: unknown) => this.logger.warn('import could not store our id on the record', { error }));
        }
        job.processed += 1;
        const outcome = result.outcome === 'deleted' ? 'updated' : result.outcome;
        job[outcome] += 1;
        if (++sincePersist >= 25) {
          sincePersist = 0;
          await em.flush();
          this.afterCommit();
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
}
