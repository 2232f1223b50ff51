import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Connector, CustomerWrite, SyncedField, WriteResult } from '../connectors/connector.js';
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

interface Item {
  envelope: EventEnvelope;
  attempt: number;
}

interface Work extends Item {
  snap: CustomerSnapshot;
  state: SyncState;
  mapping: ExternalMapping | null;
}

/** Waiting longer than this for a record's lock fails the attempt (it is redelivered) instead of piling up. */
export const LOCK_TIMEOUT = '20s';

const snapOf = (e: EventEnvelope) => e.payload as unknown as CustomerSnapshot;

function toUnknownProviderError(provider: Provider, err: unknown): ProviderError {
  return new ProviderError(provider, err instanceof Error ? err.message : String(err), {
    retryable: false,
    cause: err,
  });
}

/**
 * Writes local customer changes to one provider. One consumer group per provider, so providers fail and scale
 * independently: a Salesforce outage never holds back Stripe. A failed write does not block the partition: it
 * moves to the provider's retry topic (delivered after its backoff) and, after the last attempt, to the
 * dead-letter topic, with the sync state saying why.
 *
 * The main topic and the retry topic are consumed separately, and inbound changes touch the same records, so
 * each write runs under a row lock on the record's sync state (provider call included): per record and
 * provider, one write at a time, re-checked against the latest version once the lock is held.
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
        handleBatch: async (messages, progress) => {
          // Chunks the size of the provider's largest batch call (e.g. 200 for Salesforce sObject Collections);
          // each finished chunk is marked done, so a rebalance mid-batch does not write it again.
          for (let i = 0; i < messages.length; i += this.batchSize) {
            const chunk = messages.slice(i, i + this.batchSize);
            const items: Item[] = [];
            for (const m of chunk) {
              const envelope = parseEnvelope(m.value);
              if (envelope) items.push({ envelope, attempt: 1 });
              else this.log.warn('skipping malformed event', { topic: m.topic, offset: m.offset });
            }
            await this.processMany(items);
            progress.done(chunk.at(-1)!.offset);
            await progress.heartbeat(); // a long backlog must not outlast the session
          }
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

  /**
   * Writes a batch of events: drops what is superseded by a newer version (its own event follows on the same
   * partition) or already written, marks the rest SYNCING, writes them in one provider call where possible,
   * then records each result.
   */
  async processMany(items: Item[]): Promise<void> {
    // Within a batch only the newest version of each customer matters.
    const latest = new Map<string, Item>();
    for (const item of items) {
      if (item.envelope.entityType !== EntityType.CUSTOMER) continue;
      const snap = snapOf(item.envelope);
      const seen = latest.get(snap.id);
      if (!seen || snapOf(seen.envelope).version <= snap.version) latest.set(snap.id, item);
    }
    if (latest.size === 0) return;

    // Announce SYNCING in its own short transaction so subscribers see it while the provider call runs.
    const pending = await this.orm.em.fork().transactional(async (tx) => {
      const work = await this.claim(tx, latest);
      for (const w of work) {
        w.state.state = SyncStateValue.SYNCING;
        w.state.attempts = w.attempt;
        announce(tx, w.state, w.mapping?.externalId ?? null);
      }
      return new Set(work.map((w) => w.snap.id));
    });
    if (pending.size === 0) return;

    await this.orm.em.fork().transactional(async (tx) => {
      await tx.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
      // Locked and re-checked: a concurrent write of a newer version (or an inbound change) may have landed.
      const work = await this.claim(tx, new Map([...latest].filter(([id]) => pending.has(id))));
      if (work.length === 0) return;
      let results: WriteResult[];
      try {
        results = await this.connector.customers.write(work.map((w) => this.toWrite(w)));
      } catch (err) {
        const error = err instanceof ProviderError ? err : toUnknownProviderError(this.connector.provider, err);
        results = work.map(() => ({ ok: false as const, error }));
      }
      // Errors from here on (database) roll back and redeliver: the writes above are idempotent.
      for (const [i, w] of work.entries()) {
        const result = results[i] ?? {
          ok: false as const,
          error: toUnknownProviderError(this.connector.provider, new Error('no result')),
        };
        if (result.ok) {
          this.succeeded(tx, w, result.externalId ?? w.mapping?.externalId ?? null);
        } else {
          // Created but not completed (Stripe's create step ran, its update did not): keep the link with unknown
          // content, so the retry updates that record with every field instead of creating another.
          if (result.externalId && !w.mapping) w.mapping = this.newMapping(tx, w.snap.id, result.externalId);
          await this.failed(tx, w, result.error);
        }
      }
    });
  }

  /**
   * Locks the items' sync states (sorted: concurrent batches cannot deadlock), loads their mappings and keeps the
   * items that still need writing. Both transactions of a write claim under the lock, so a stale reader can
   * never overwrite a newer state (e.g. leave a record SYNCING).
   */
  private async claim(tx: EntityManager, items: Map<string, Item>): Promise<Work[]> {
    const provider = this.connector.provider;
    const ids = [...items.keys()].sort();
    const states = await tx.find(
      SyncState,
      { entityType: EntityType.CUSTOMER, entityId: { $in: ids }, provider },
      // Sorted lock order: concurrent batches cannot deadlock.
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { entityId: 'asc' } },
    );
    const [customers, mappings] = await Promise.all([
      tx.find(Customer, { id: { $in: ids } }),
      tx.find(ExternalMapping, { entityType: EntityType.CUSTOMER, entityId: { $in: ids }, provider }),
    ]);
    const out: Work[] = [];
    for (const id of ids) {
      const item = items.get(id)!;
      const snap = snapOf(item.envelope);
      const state = states.find((s) => s.entityId === id);
      const mapping = mappings.find((m) => m.entityId === id) ?? null;
      const customer = customers.find((c) => c.id === id);
      // Superseded: a newer version exists and its own event follows.
      if (!customer || !state || customer.version > snap.version || state.targetVersion > snap.version) continue;
      // Already there: written before (redelivery), or the change came from this provider (inbound marked it).
      if (state.state === SyncStateValue.SYNCED && (mapping?.lastSyncedVersion ?? 0) >= snap.version) continue;
      out.push({ ...item, snap, state, mapping });
    }
    return out;
  }

  private toWrite(w: Work): CustomerWrite {
    const externalId = w.mapping?.externalId;
    const op = w.snap.deleted ? 'delete' : 'upsert';
    const base = w.mapping?.lastSyncedData;
    const changed: Partial<Record<SyncedField, string>> | undefined = base ? {} : undefined;
    if (base && changed) {
      if (base.name !== w.snap.name) changed.name = w.snap.name;
      if (base.email.toLowerCase() !== w.snap.email) changed.email = w.snap.email;
    }
    return {
      op,
      customer: w.snap,
      externalId,
      changed,
      idempotencyKey: this.connector.idempotencyKey(
        w.envelope.id,
        op === 'delete' ? 'delete' : externalId ? 'update' : 'create',
      ),
    };
  }

  private succeeded(tx: EntityManager, w: Work, externalId: string | null): void {
    const { snap, state } = w;
    let mapping = w.mapping;
    if (externalId) {
      mapping ??= this.newMapping(tx, snap.id, externalId);
      mapping.externalId = externalId;
      // Never lower: what the provider holds is at least this version.
      mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, snap.version);
      mapping.lastSyncedHash = snap.deleted ? null : customerHash(snap);
      mapping.lastSyncedData = snap.deleted ? null : { name: snap.name, email: snap.email };
    }
    state.state = SyncStateValue.SYNCED;
    state.lastError = null;
    state.lastSyncedAt = new Date();
    announce(tx, state, externalId);
    this.log.debug('synced', { customerId: snap.id, version: snap.version, externalId });
  }

  private newMapping(tx: EntityManager, customerId: string, externalId: string): ExternalMapping {
    return tx.create(ExternalMapping, {
      id: randomUUID(),
      entityType: EntityType.CUSTOMER,
      entityId: customerId,
      provider: this.connector.provider,
      externalId,
    });
  }

  private async failed(tx: EntityManager, w: Work, err: ProviderError): Promise<void> {
    const { snap, state, attempt } = w;
    const topics = providerTopics(this.connector.provider);
    const retry = shouldRetry(this.policy, attempt, err);
    const next: RetryMessage = {
      envelope: w.envelope,
      attempt,
      notBefore: Date.now() + (retry ? retryDelayMs(this.policy, attempt, err) : 0),
      lastError: err.message,
    };
    // If Kafka refuses, this throws, the transaction rolls back and the original message is redelivered.
    await this.kafka.publish([
      { topic: retry ? topics.retry : topics.deadLetter, key: snap.id, value: JSON.stringify(next) },
    ]);
    state.state = SyncStateValue.FAILED;
    state.attempts = attempt;
    state.lastError = retry
      ? `${err.message} (attempt ${attempt} of ${this.policy.maxAttempts}; retrying)`
      : `${err.message} (attempt ${attempt} of ${this.policy.maxAttempts}; gave up — use retrySync to try again)`;
    announce(tx, state, w.mapping?.externalId ?? null);
    this.log.warn(retry ? 'write failed; retry scheduled' : 'write failed; dead-lettered', {
      customerId: snap.id,
      attempt,
      error: err,
    });
  }
}
