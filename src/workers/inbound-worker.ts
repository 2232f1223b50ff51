import type { Connector, InboundChange } from '../connectors/connector.js';
import { ProviderError } from '../connectors/provider-error.js';
import type { CustomerService } from '../domain/customer-service.js';
import { customerHash } from '../domain/content-hash.js';
import { ExternalMapping, InboxEvent } from '../domain/entities/index.js';
import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityType } from '../domain/enums.js';
import type { Orm } from '../db/orm.js';
import { DelayDelivery, type KafkaTransport, type Subscription } from '../events/kafka.js';
import { providerTopics } from '../events/topics.js';
import type { Logger } from '../logger.js';
import { lockExternalRecord, lockForInbound } from '../sync/record-lock.js';
import { LOCK_TIMEOUT } from './outbound-worker.js';
import { applyExternalCustomer, catalogFields, type ApplyResult } from '../sync/apply-external.js';
import { randomUUID } from 'node:crypto';

function isConstraintViolation(err: unknown): boolean {
  return err instanceof UniqueConstraintViolationException || err instanceof ForeignKeyConstraintViolationException;
}

export type InboundOutcome = ApplyResult['outcome'] | 'duplicate' | 'echo';

/**
 * Applies provider changes (from `inbound.<provider>`, fed by webhooks and polls) to the local catalog:
 * dedupe by provider event id (inbox table, in the same transaction as the change), drop echoes of our own
 * writes, re-fetch the current record, apply it through the same domain service as a mutation.
 */
export class InboundWorker {
  private sub: Subscription | undefined;
  private readonly log: Logger;
  /** Called with each outcome (metrics, tests). */
  onOutcome: ((change: InboundChange, outcome: InboundOutcome) => void) | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly connector: Connector,
    private readonly customers: CustomerService,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'inbound-worker', provider: connector.provider });
  }

  async start(): Promise<void> {
    this.sub = await this.kafka.subscribe({
      groupId: `catalog-sync-inbound-${this.connector.provider.toLowerCase()}`,
      topics: [providerTopics(this.connector.provider).inbound],
      fromBeginning: true,
      handle: async (m) => {
        let body: unknown;
        try {
          body = JSON.parse(m.value?.toString() ?? '');
        } catch {
          return this.log.warn('skipping malformed inbound message', { offset: m.offset });
        }
        for (const change of this.connector.parseInbound(body)) {
          try {
            await this.process(change);
          } catch (err) {
            // The provider is unavailable for the re-fetch: try this partition again later, in order.
            if (err instanceof ProviderError && err.retryable) throw new DelayDelivery(2000);
            // A change that can never apply (the provider refuses the read, a constraint we cannot meet): park it
            // on the dead-letter topic with the reason instead of blocking the partition forever.
            if (err instanceof ProviderError || isConstraintViolation(err)) {
              await this.deadLetter(m.value?.toString() ?? '', change, err);
              continue;
            }
            throw err; // e.g. the database is down: redelivered
          }
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    this.sub = undefined;
  }

  async process(change: InboundChange): Promise<InboundOutcome> {
    const provider = this.connector.provider;
    const em = this.orm.em.fork();
    const seen = async () => (await em.count(InboxEvent, { provider, eventId: change.eventId })) > 0;
    let outcome: InboundOutcome;
    let result: ApplyResult | undefined;
    if (await seen()) {
      outcome = 'duplicate';
    } else if (change.isEcho || (await this.announcesWhatWeSynced(change))) {
      await this.remember(change);
      outcome = 'echo';
    } else {
      result = await em.transactional(async (tx) => {
        await tx.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
        // Claim the event id in the same transaction as the change: a crash before commit redoes both.
        const claimed = await tx.execute<{ id: string }[]>(
          'insert into inbox_event (id, provider, event_id, received_at) values (?, ?, ?, now()) on conflict do nothing returning id',
          [randomUUID(), provider, change.eventId],
        );
        if (claimed.length === 0) return undefined;
        await lockExternalRecord(tx, provider, change.externalId);
        // Wait for any write of ours to this record to finish (the outbound worker holds this row lock across
        // its provider call), then read the provider's current record: never older than what we wrote.
        const mapping = await tx.findOne(ExternalMapping, {
          provider,
          entityType: EntityType.CUSTOMER,
          externalId: change.externalId,
        });
        if (mapping) {
          await lockForInbound(tx, mapping.entityId, provider);
        }
        const current = await this.connector.customers.fetch(change.externalId);
        return applyExternalCustomer(tx, this.customers, provider, change.externalId, current);
      });
      outcome = result?.outcome ?? 'duplicate';
      if (result?.needsLink && result.customerId) await this.link(change, result.customerId);
    }
    this.log.debug('inbound change', {
      eventId: change.eventId,
      externalId: change.externalId,
      outcome,
      reason: result?.reason,
    });
    if (result?.outcome === 'skipped')
      this.log.warn('inbound change skipped', { externalId: change.externalId, reason: result.reason });
    this.onOutcome?.(change, outcome);
    return outcome;
  }

  /** The event carries exactly the content we last wrote or read: nothing to do, and no API call to learn it. */
  private async announcesWhatWeSynced(change: InboundChange): Promise<boolean> {
    const a = change.announced;
    const fields = a && !a.deleted ? catalogFields(a) : undefined;
    if (!fields) return false;
    const mapping = await this.orm.em.fork().findOne(ExternalMapping, {
      provider: this.connector.provider,
      entityType: EntityType.CUSTOMER,
      externalId: change.externalId,
    });
    return !!mapping?.lastSyncedHash && mapping.lastSyncedHash === customerHash(fields);
  }

  private async deadLetter(raw: string, change: InboundChange, err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    this.log.error('inbound change dead-lettered', {
      eventId: change.eventId,
      externalId: change.externalId,
      error: err,
    });
    await this.kafka.publish([
      {
        topic: providerTopics(this.connector.provider).deadLetter,
        key: change.externalId,
        value: JSON.stringify({ kind: 'inbound', change, message: raw, reason, at: new Date().toISOString() }),
      },
    ]);
  }

  private async remember(change: InboundChange) {
    await this.orm.em
      .fork()
      .execute(
        'insert into inbox_event (id, provider, event_id, received_at) values (?, ?, ?, now()) on conflict do nothing',
        [randomUUID(), this.connector.provider, change.eventId],
      );
  }

  private async link(change: InboundChange, customerId: string) {
    try {
      await this.connector.customers.linkInternalId(change.externalId, customerId, {
        idempotencyKey: this.connector.idempotencyKey(`${change.eventId}`, 'link'),
      });
    } catch (err) {
      // Not fatal: the mapping row links them; the id on the provider side only helps later imports.
      this.log.warn('could not store our id on the provider record', { externalId: change.externalId, error: err });
    }
  }
}
