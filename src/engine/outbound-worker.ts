import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyCatalog, FieldValues, RecordSnapshot } from '../core/catalog.js';
import type { EventEnvelope } from '../core/envelope.js';
import { parseEnvelope } from '../core/envelope.js';
import { SyncStateValue, type ProviderId } from '../core/enums.js';
import type { Logger } from '../core/logger.js';
import type { EntityAdapter, ProviderConnection, RecordWrite, WriteResult } from '../core/provider.js';
import { ProviderError } from '../core/provider-error.js';
import { retryDelayMs, shouldRetry, type RetryPolicy } from '../core/retry-policy.js';
import { fieldsToSend, judgeOutbound } from '../core/sync-rules.js';
import { catalogTopic, providerTopics } from '../core/topics.js';
import type { Orm } from '../platform/db/orm.js';
import { DelayDelivery, type KafkaTransport, type Subscription } from '../platform/kafka.js';
import type { Catalogs } from './catalogs.js';
import { ExternalMapping, SyncState } from './entities/index.js';
import { newMapping, rememberHeld } from './mappings.js';
import { parseRetryMessage, type RetryMessage } from './retry-message.js';
import { announce } from './sync-states.js';

interface Item {
  envelope: EventEnvelope;
  attempt: number;
}

interface Work extends Item {
  snap: RecordSnapshot;
  state: SyncState;
  mapping: ExternalMapping | null;
}

/** Waiting longer than this for a record's lock fails the attempt (it is redelivered) instead of piling up. */
export const LOCK_TIMEOUT = '20s';

const snapOf = (e: EventEnvelope) => e.payload as unknown as RecordSnapshot;

function toUnknownProviderError(provider: ProviderId, err: unknown): ProviderError {
  return new ProviderError(provider, err instanceof Error ? err.message : String(err), {
    retryable: false,
    cause: err,
  });
}

/**
 * Writes local changes of every catalog the provider has an adapter for to that provider. One consumer group per
 * provider, so providers fail and scale independently: a Salesforce outage never holds back Stripe. A failed write
 * does not block the partition: it moves to the provider's retry topic (delivered after its backoff) and, after
 * the last attempt, to the dead-letter topic, with the sync state saying why.
 *
 * The catalog topics and the retry topic are consumed separately, and inbound changes touch the same records, so
 * each write runs under a row lock on the record's sync state (provider call included): per record and provider,
 * one write at a time, re-checked against the latest version once the lock is held.
 */
export class OutboundWorker {
  private subs: Subscription[] = [];
  private readonly log: Logger;
  private readonly adapters: Map<string, EntityAdapter<FieldValues>>;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly provider: ProviderConnection,
    private readonly catalogs: Catalogs,
    private readonly policy: RetryPolicy,
    logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbound-worker', provider: provider.id });
    this.adapters = new Map(provider.adapters.filter((a) => catalogs.has(a.entityType)).map((a) => [a.entityType, a]));
  }

  async start(): Promise<void> {
    if (this.adapters.size === 0) return;
    const name = this.provider.id.toLowerCase();
    const chunkSize = Math.max(1, Math.min(...[...this.adapters.values()].map((a) => a.maxBatchSize)));
    this.subs.push(
      await this.kafka.subscribeBatch({
        groupId: `catalog-sync-outbound-${name}`,
        topics: [...this.adapters.keys()].map(catalogTopic),
        fromBeginning: true,
        handleBatch: async (messages, progress) => {
          // Chunks no larger than any of its adapters' batch calls (e.g. 200 for Salesforce sObject Collections);
          // each finished chunk is marked done, so a rebalance mid-batch does not write it again.
          for (let i = 0; i < messages.length; i += chunkSize) {
            const chunk = messages.slice(i, i + chunkSize);
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
        topics: [providerTopics(this.provider.id).retry],
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

  /** Writes a batch of events, one provider call per catalog where the provider supports batches. */
  async processMany(items: Item[]): Promise<void> {
    const byType = new Map<string, Item[]>();
    for (const item of items) {
      if (!this.adapters.has(item.envelope.entityType)) continue;
      byType.set(item.envelope.entityType, [...(byType.get(item.envelope.entityType) ?? []), item]);
    }
    for (const [entityType, group] of byType) {
      await this.processCatalog(this.catalogs.get(entityType), this.adapters.get(entityType)!, group);
    }
  }

  /**
   * Drops what is superseded by a newer version (its own event follows on the same partition) or already written,
   * marks the rest SYNCING, writes them in one provider call where possible, then records each result.
   */
  private async processCatalog(def: AnyCatalog, adapter: EntityAdapter<FieldValues>, items: Item[]): Promise<void> {
    // Within a batch only the newest version of each record matters.
    const latest = new Map<string, Item>();
    for (const item of items) {
      const snap = snapOf(item.envelope);
      const seen = latest.get(snap.id);
      if (!seen || snapOf(seen.envelope).version <= snap.version) latest.set(snap.id, item);
    }
    if (latest.size === 0) return;

    // Announce SYNCING in its own short transaction so subscribers see it while the provider call runs.
    const pending = await this.orm.em.fork().transactional(async (tx) => {
      const work = await this.claim(tx, def, latest);
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
      const work = await this.claim(tx, def, new Map([...latest].filter(([id]) => pending.has(id))));
      if (work.length === 0) return;
      let results: WriteResult[];
      try {
        results = await adapter.write(work.map((w) => this.toWrite(def, w)));
      } catch (err) {
        const error = err instanceof ProviderError ? err : toUnknownProviderError(this.provider.id, err);
        results = work.map(() => ({ ok: false as const, error }));
      }
      // Errors from here on (database) roll back and redeliver: the writes above are idempotent.
      for (const [i, w] of work.entries()) {
        const result = results[i] ?? {
          ok: false as const,
          error: toUnknownProviderError(this.provider.id, new Error('no result')),
        };
        if (result.ok) {
          this.succeeded(tx, def, w, result.externalId ?? w.mapping?.externalId ?? null);
        } else {
          // Created but not completed (Stripe's create step ran, its update did not): keep the link with unknown
          // content, so the retry updates that record with every field instead of creating another.
          if (result.externalId && !w.mapping)
            w.mapping = newMapping(tx, def, w.snap.id, this.provider.id, result.externalId);
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
  private async claim(tx: EntityManager, def: AnyCatalog, items: Map<string, Item>): Promise<Work[]> {
    const provider = this.provider.id;
    const entityType = def.entityType;
    const ids = [...items.keys()].sort();
    const states = await tx.find(
      SyncState,
      { entityType, entityId: { $in: ids }, provider },
      // Sorted lock order: concurrent batches cannot deadlock.
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { entityId: 'asc' } },
    );
    const [rows, mappings] = await Promise.all([
      tx.find(def.entity, { id: { $in: ids } } as never),
      tx.find(ExternalMapping, { entityType, entityId: { $in: ids }, provider }),
    ]);
    const out: Work[] = [];
    for (const id of ids) {
      const item = items.get(id)!;
      const snap = snapOf(item.envelope);
      const state = states.find((s) => s.entityId === id);
      const mapping = mappings.find((m) => m.entityId === id) ?? null;
      const row = rows.find((c) => c.id === id);
      const verdict = judgeOutbound({
        eventVersion: snap.version,
        currentVersion: row?.version ?? null,
        targetVersion: state?.targetVersion ?? null,
        synced: state?.state === SyncStateValue.SYNCED,
        lastSyncedVersion: mapping?.lastSyncedVersion ?? null,
      });
      if (verdict === 'write') out.push({ ...item, snap, state: state!, mapping });
    }
    return out;
  }

  private toWrite(def: AnyCatalog, w: Work): RecordWrite {
    const externalId = w.mapping?.externalId;
    const op = w.snap.deleted ? 'delete' : 'upsert';
    return {
      op,
      record: w.snap,
      externalId,
      changed: fieldsToSend(def, w.mapping?.lastSyncedData ?? null, w.snap),
      idempotencyKey: this.provider.idempotencyKey(
        w.envelope.id,
        op === 'delete' ? 'delete' : externalId ? 'update' : 'create',
      ),
    };
  }

  private succeeded(tx: EntityManager, def: AnyCatalog, w: Work, externalId: string | null): void {
    const { snap, state } = w;
    let mapping = w.mapping;
    if (externalId) {
      mapping ??= newMapping(tx, def, snap.id, this.provider.id, externalId);
      mapping.externalId = externalId;
      if (snap.deleted) {
        mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, snap.version);
        mapping.lastSyncedHash = null;
        mapping.lastSyncedData = null;
      } else {
        rememberHeld(mapping, def, snap, snap.version);
      }
    }
    state.state = SyncStateValue.SYNCED;
    state.lastError = null;
    state.lastSyncedAt = new Date();
    announce(tx, state, externalId);
    this.log.debug('synced', { entityType: def.entityType, entityId: snap.id, version: snap.version, externalId });
  }

  private async failed(tx: EntityManager, w: Work, err: ProviderError): Promise<void> {
    const { snap, state, attempt } = w;
    const topics = providerTopics(this.provider.id);
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
      entityType: w.envelope.entityType,
      entityId: snap.id,
      attempt,
      error: err,
    });
  }
}
