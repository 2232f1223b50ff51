import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Connector, WriteResult } from '../connectors/connector.js';
import { ProviderError } from '../connectors/provider-error.js';
import { customerHash } from '../domain/content-hash.js';
import type { CustomerSnapshot } from '../domain/customer-service.js';
import { Customer, ExternalMapping, SyncState } from '../domain/entities/index.js';
import { EntityType, SyncStateValue, type Provider } from '../domain/enums.js';
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
interface Item {
  envelope: EventEnvelope;
  attempt: number;
}

function toUnknownProviderError(provider: Provider, err: unknown): ProviderError {
  return new ProviderError(provider, err instanceof Error ? err.message : String(err), {
    retryable: false,
    cause: err,
  });
}

export class OutboundWorker {
  private subs: Subscription[] = [];
  private readonly log: Logger;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly connector: Connector,
    private readonly policy: RetryPolicy,
    logger: Logger,
    private readonly batchSize = 1,
  ) {
    this.log = logger.child({ component: 'outbound-worker', provider: connector.provider });
  }

  async start(): Promise<void> {
    const name = this.connector.provider.toLowerCase();
    const topics = providerTopics(this.connector.provider);
    this.subs.push(
      await this.kafka.subscribeBatch({
        groupId: `catalog-sync-outbound-${name}`,
        topics: [Topics.customer],
        fromBeginning: true,
        handleBatch: async (messages) => {
          const items: Item[] = [];
          for (const m of messages) {
            const envelope = parseEnvelope(m.value);
            if (envelope) items.push({ envelope, attempt: 1 });
            else this.log.warn('skipping malformed event', { topic: m.topic, offset: m.offset });
          }
          // Chunks the size of the provider's largest batch call (e.g. 200 for Salesforce sObject Collections).
          for (let i = 0; i < items.length; i += this.batchSize)
            await this.processMany(items.slice(i, i + this.batchSize));
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
          await this.processMany([{ envelope: retry.envelope, attempt: retry.attempt + 1 }]);
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
    await this.processMany([{ envelope, attempt }]);
  }

  /**
   * Writes a batch of events: drops what is not for this provider or superseded by a newer version (its own
   * event follows on the same partition), marks the rest SYNCING, writes them in one provider call where
   * possible, then records each result.
   */
  async processMany(items: Item[]): Promise<void> {
    const provider = this.connector.provider;
    // Within a batch only the newest version of each customer matters.
    const latest = new Map<string, Item>();
    for (const item of items) {
      const { envelope } = item;
      // A change that came from this provider is already there (its inbound path set the state to SYNCED).
      if (envelope.entityType !== EntityType.CUSTOMER || envelope.origin === provider) continue;
      const snap = envelope.payload as unknown as CustomerSnapshot;
      const seen = latest.get(snap.id);
      if (!seen || (seen.envelope.payload as unknown as CustomerSnapshot).version <= snap.version)
        latest.set(snap.id, item);
    }
    if (latest.size === 0) return;

    const em = this.orm.em.fork();
    const work = await em.transactional(async (tx) => {
      const ids = [...latest.keys()];
      const [customers, states, mappings] = await Promise.all([
        tx.find(Customer, { id: { $in: ids } }),
        tx.find(SyncState, { entityType: EntityType.CUSTOMER, entityId: { $in: ids }, provider }),
        tx.find(ExternalMapping, { entityType: EntityType.CUSTOMER, entityId: { $in: ids }, provider }),
      ]);
      const out: Array<Item & { snap: CustomerSnapshot; externalId: string | undefined }> = [];
      for (const [id, item] of latest) {
        const snap = item.envelope.payload as unknown as CustomerSnapshot;
        const customer = customers.find((c) => c.id === id);
        const state = states.find((s) => s.entityId === id);
        const mapping = mappings.find((m) => m.entityId === id);
        if (!customer || !state || customer.version > snap.version || state.targetVersion > snap.version) continue;
        // Already written (a redelivery after the write committed but before the offset did).
        if (
          item.attempt === 1 &&
          state.state === SyncStateValue.SYNCED &&
          (mapping?.lastSyncedVersion ?? 0) >= snap.version
        )
          continue;
        state.state = SyncStateValue.SYNCING;
        state.attempts = item.attempt;
        announce(tx, state, mapping?.externalId ?? null);
        out.push({ ...item, snap, externalId: mapping?.externalId });
      }
      return out;
    });
    if (work.length === 0) return;

    let results: WriteResult[];
    try {
      results = await this.connector.customers.write(
        work.map((w) => ({
          op: w.snap.deleted ? ('delete' as const) : ('upsert' as const),
          customer: w.snap,
          externalId: w.externalId,
          idempotencyKey: this.connector.idempotencyKey(
            w.envelope.id,
            w.snap.deleted ? 'delete' : w.externalId ? 'update' : 'create',
          ),
        })),
      );
    } catch (err) {
      const error = err instanceof ProviderError ? err : toUnknownProviderError(provider, err);
      results = work.map(() => ({ ok: false as const, error }));
    }
    for (const [i, w] of work.entries()) {
      const result = results[i] ?? {
        ok: false as const,
        error: toUnknownProviderError(provider, new Error('no result for write')),
      };
      if (result.ok) await this.succeeded(em, w.snap, result.externalId ?? w.externalId ?? null);
      else await this.failed(em, w.envelope, w.snap, w.attempt, result.error);
    }
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
