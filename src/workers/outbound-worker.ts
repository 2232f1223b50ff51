import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Connector } from '../connectors/connector.js';
import { customerHash } from '../domain/content-hash.js';
import type { CustomerSnapshot } from '../domain/customer-service.js';
import { Customer, ExternalMapping, SyncState } from '../domain/entities/index.js';
import { EntityType, SyncStateValue } from '../domain/enums.js';
import { announce } from '../domain/sync-status.js';
import type { Orm } from '../db/orm.js';
import { parseEnvelope, type EventEnvelope } from '../events/envelope.js';
import { DelayDelivery, type KafkaTransport, type Subscription } from '../events/kafka.js';
import { providerTopics, Topics } from '../events/topics.js';
import type { Logger } from '../logger.js';
import { retryDelayMs, shouldRetry, type RetryPolicy } from '../sync/retry-policy.js';
import { parseRetryMessage, type RetryMessage } from './retry-message.js';

/**
 * Writes local customer changes to one provider. One consumer group per provider, so providers fail and scale
 * independently: a Salesforce outage never holds back Stripe. A failed write does not block the partition: it
 * moves to the provider's retry topic (delivered after its backoff) and, after the last attempt, to the
 * dead-letter topic, with the sync state saying why.
 */
export class OutboundWorker {
  private subs: Subscription[] = [];
  private readonly log: Logger;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly connector: Connector,
    private readonly policy: RetryPolicy,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbound-worker', provider: connector.provider });
  }

  async start(): Promise<void> {
    const name = this.connector.provider.toLowerCase();
    const topics = providerTopics(this.connector.provider);
    this.subs.push(
      await this.kafka.subscribe({
        groupId: `catalog-sync-outbound-${name}`,
        topics: [Topics.customer],
        fromBeginning: true,
        handle: async (m) => {
          const envelope = parseEnvelope(m.value);
          if (!envelope) return this.log.warn('skipping malformed event', { topic: m.topic, offset: m.offset });
          await this.process(envelope, 1);
        },
      }),
      await this.kafka.subscribe({
        groupId: `catalog-sync-retry-${name}`,
        topics: [topics.retry],
        fromBeginning: true,
        handle: async (m) => {
          const retry = parseRetryMessage(m.value);
          if (!retry) return this.log.warn('skipping malformed retry message', { offset: m.offset });
          const wait = retry.notBefore - Date.now();
          // Pause this partition until the message is due instead of sleeping in the handler.
          if (wait > 0) throw new DelayDelivery(wait);
          await this.process(retry.envelope, retry.attempt + 1);
        },
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.stop()));
    this.subs = [];
  }

  /** Handles one customer event for this provider; `attempt` counts from 1. */
  async process(envelope: EventEnvelope, attempt: number): Promise<void> {
    if (envelope.entityType !== EntityType.CUSTOMER) return;
    // A change that came from this provider is already there (its inbound path set the state to SYNCED).
    if (envelope.origin === this.connector.provider) return;
    const snap = envelope.payload as unknown as CustomerSnapshot;
    const provider = this.connector.provider;
    const em = this.orm.em.fork();

    const started = await em.transactional(async (tx) => {
      const customer = await tx.findOne(Customer, { id: snap.id });
      const state = await tx.findOne(SyncState, { entityType: EntityType.CUSTOMER, entityId: snap.id, provider });
      // Superseded: a newer version exists and its own event follows on the same partition.
      if (!customer || !state || customer.version > snap.version || state.targetVersion > snap.version)
        return undefined;
      if (state.state === SyncStateValue.SYNCED && state.targetVersion <= snap.version && attempt === 1) {
        // Already written (redelivery after a crash between the write and the commit of the offset).
        const mapping = await tx.findOne(ExternalMapping, {
          entityType: EntityType.CUSTOMER,
          entityId: snap.id,
          provider,
        });
        if (mapping && (mapping.lastSyncedVersion ?? 0) >= snap.version) return undefined;
      }
      state.state = SyncStateValue.SYNCING;
      state.attempts = attempt;
      const mapping = await tx.findOne(ExternalMapping, {
        entityType: EntityType.CUSTOMER,
        entityId: snap.id,
        provider,
      });
      announce(tx, state, mapping?.externalId ?? null);
      return { externalId: mapping?.externalId };
    });
    if (!started) return;

    try {
      const externalId = await this.write(envelope, snap, started.externalId);
      await this.succeeded(em, snap, externalId);
    } catch (err) {
      await this.failed(em, envelope, snap, attempt, err);
    }
  }

  private async write(
    envelope: EventEnvelope,
    snap: CustomerSnapshot,
    externalId: string | undefined,
  ): Promise<string | null> {
    const customers = this.connector.customers;
    if (snap.deleted) {
      if (externalId)
        await customers.delete(externalId, { idempotencyKey: this.connector.idempotencyKey(envelope.id, 'delete') });
      return externalId ?? null;
    }
    if (externalId) {
      await customers.update(externalId, snap, {
        idempotencyKey: this.connector.idempotencyKey(envelope.id, 'update'),
      });
      return externalId;
    }
    const created = await customers.create(snap, {
      idempotencyKey: this.connector.idempotencyKey(envelope.id, 'create'),
    });
    return created.externalId;
  }

  private async succeeded(em: EntityManager, snap: CustomerSnapshot, externalId: string | null): Promise<void> {
    const provider = this.connector.provider;
    await em.transactional(async (tx) => {
      let mapping = await tx.findOne(ExternalMapping, { entityType: EntityType.CUSTOMER, entityId: snap.id, provider });
      if (externalId) {
        mapping ??= tx.create(ExternalMapping, {
          id: randomUUID(),
          entityType: EntityType.CUSTOMER,
          entityId: snap.id,
          provider,
          externalId,
        });
        mapping.externalId = externalId;
        mapping.lastSyncedVersion = snap.version;
        mapping.lastSyncedHash = snap.deleted ? null : customerHash(snap);
      }
      const state = await tx.findOneOrFail(SyncState, { entityType: EntityType.CUSTOMER, entityId: snap.id, provider });
      // Only SYNCED if no newer local change arrived meanwhile (that one is PENDING and will be written next).
      if (state.targetVersion <= snap.version) {
        state.state = SyncStateValue.SYNCED;
        state.lastError = null;
        state.lastSyncedAt = new Date();
        announce(tx, state, externalId);
      }
    });
    this.log.debug('synced', { customerId: snap.id, version: snap.version, externalId });
  }

  private async failed(
    em: EntityManager,
    envelope: EventEnvelope,
    snap: CustomerSnapshot,
    attempt: number,
    err: unknown,
  ) {
    const provider = this.connector.provider;
    const topics = providerTopics(provider);
    const message = err instanceof Error ? err.message : String(err);
    const retry = shouldRetry(this.policy, attempt, err);
    const next: RetryMessage = {
      envelope,
      attempt,
      notBefore: Date.now() + (retry ? retryDelayMs(this.policy, attempt, err) : 0),
      lastError: message,
    };
    // Publish first: if Kafka refuses, the handler throws and the original message is redelivered.
    await this.kafka.publish([
      { topic: retry ? topics.retry : topics.deadLetter, key: snap.id, value: JSON.stringify(next) },
    ]);
    await em.transactional(async (tx) => {
      const state = await tx.findOneOrFail(SyncState, { entityType: EntityType.CUSTOMER, entityId: snap.id, provider });
      if (state.targetVersion > snap.version) return; // a newer change is already on its way
      const mapping = await tx.findOne(ExternalMapping, {
        entityType: EntityType.CUSTOMER,
        entityId: snap.id,
        provider,
      });
      state.state = SyncStateValue.FAILED;
      state.attempts = attempt;
      state.lastError = retry
        ? `${message} (attempt ${attempt} of ${this.policy.maxAttempts}; retrying)`
        : `${message} (attempt ${attempt} of ${this.policy.maxAttempts}; gave up — use retrySync to try again)`;
      announce(tx, state, mapping?.externalId ?? null);
    });
    this.log.warn(retry ? 'write failed; retry scheduled' : 'write failed; dead-lettered', {
      customerId: snap.id,
      attempt,
      error: err,
    });
  }
}
