import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { eventType, type AnyCatalog, type FieldValues, type RecordSnapshot } from '../core/catalog.js';
import type { EventEnvelope } from '../core/envelope.js';
import { parseEnvelope } from '../core/envelope.js';
import { SyncStateValue, type ProviderId } from '../core/enums.js';
import type { Logger } from '../core/logger.js';
import type { EntityAdapter, ProviderConnection, RecordWrite, RemoteRecord, WriteResult } from '../core/provider.js';
import { ProviderError } from '../core/provider-error.js';
import { retryDelayMs, shouldRetry, type RetryPolicy } from '../core/retry-policy.js';
import { fieldsToSend, judgeOutbound } from '../core/sync-rules.js';
import { catalogTopic, providerTopics } from '../core/topics.js';
import type { Orm } from '../platform/db/orm.js';
import { DelayDelivery, type KafkaTransport, type Subscription } from '../platform/kafka.js';
import type { ConsumerGroup, Metrics } from '../platform/metrics.js';
import type { Catalogs } from './catalogs.js';
import { DeadLetter, ExternalMapping, ImportJob, ImportJobStatus, SyncState } from './entities/index.js';
import { completeCreate, intendedCreate, isLinked, rememberHeld, startCreate } from './mappings.js';
import { adoptExisting, lookUpExisting, type Creating } from './match-existing.js';
import { markWaiting, parentIdsAt, wakeChildren } from './parents.js';
import type { SyncHistory } from './sync-history.js';
import { WriteGatherer } from '../platform/write-gatherer.js';
import { OutcomeReporter, type SyncOutcome } from './outcomes.js';
import { enqueueRecheck } from './recheck.js';
import { parseRetryMessage, type RetryMessage } from './retry-message.js';
import { announce } from './sync-states.js';

interface Item {
  envelope: EventEnvelope;
  attempt: number;
  /** When this attempt started (ms since epoch). */
  startedAt: number;
}

interface Work extends Item {
  snap: RecordSnapshot;
  state: SyncState;
  mapping: ExternalMapping | null;
}

/** Waiting longer than this for a record's lock fails the attempt (it is redelivered) instead of piling up. */
export const LOCK_TIMEOUT = '20s';

/** Events handled (and marked done) together, when no adapter's calls take more. */
const MIN_CHUNK = 20;

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
  private readonly outcomes: OutcomeReporter;
  private readonly gatherer: WriteGatherer<Item> | undefined;
  private readonly importedTypes = new Set<string>();

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly provider: ProviderConnection,
    private readonly catalogs: Catalogs,
    private readonly policy: RetryPolicy,
    logger: Logger,
    metrics?: Metrics,
    history?: SyncHistory,
    /** How long a partial batch may wait for more writes once the provider is free again (`WriteGatherer`). */
    batchLingerMs = 50,
  ) {
    this.log = logger.child({ component: 'outbound-worker', provider: provider.id });
    this.adapters = new Map(provider.adapters.filter((a) => catalogs.has(a.entityType)).map((a) => [a.entityType, a]));
    this.outcomes = new OutcomeReporter(provider.id, this.log, metrics, history);
    // Providers that take several records a call (Salesforce Collections: 200; Stripe: 10 requests side by side)
    // get whole batches from all the partitions this worker consumes; a lone change still goes out at once.
    const adapters = [...this.adapters.values()];
    const batch = Math.max(...adapters.map((a) => a.maxBatchSize), 1);
    const inFlight = Math.max(...adapters.map((a) => a.maxCallsInFlight ?? 1), 1);
    if (batch > 1)
      this.gatherer = new WriteGatherer((items) => this.processMany(items), batch, batchLingerMs, inFlight);
  }

  /** Its consumer groups: the catalog topics, and the retry topic. */
  consumerGroups(): [main: ConsumerGroup, retry: ConsumerGroup] | [] {
    if (this.adapters.size === 0) return [];
    const name = this.provider.id.toLowerCase();
    return [
      { groupId: `catalog-sync-outbound-${name}`, topics: [...this.adapters.keys()].map(catalogTopic) },
      { groupId: `catalog-sync-retry-${name}`, topics: [providerTopics(this.provider.id).retry] },
    ];
  }

  async start(): Promise<void> {
    const groups = this.consumerGroups();
    if (groups.length === 0) return;
    const [main, retries] = groups;
    // Progress is marked per chunk; each chunk holds at least one full provider call of every adapter.
    const chunkSize = Math.max(MIN_CHUNK, ...[...this.adapters.values()].map((a) => a.maxBatchSize));
    this.subs.push(
      await this.kafka.subscribeBatch({
        groupId: main.groupId,
        topics: [...main.topics],
        fromBeginning: true,
        handleBatch: async (messages, progress) => {
          // Each finished chunk is marked done, so a rebalance mid-batch does not write it again.
          for (let i = 0; i < messages.length; i += chunkSize) {
            const chunk = messages.slice(i, i + chunkSize);
            const items: Item[] = [];
            for (const m of chunk) {
              const envelope = parseEnvelope(m.value);
              if (envelope) items.push({ envelope, attempt: 1, startedAt: Date.now() });
              else this.log.warn('skipping malformed event', { topic: m.topic, offset: m.offset });
            }
            await (this.gatherer ? this.gatherer.add(items) : this.processMany(items));
            progress.done(chunk.at(-1)!.offset);
            await progress.heartbeat(); // a long backlog must not outlast the session
          }
        },
      }),
      await this.kafka.subscribe({
        groupId: retries.groupId,
        topics: [...retries.topics],
        fromBeginning: true,
        handle: async (m) => {
          const retry = parseRetryMessage(m.value);
          if (!retry) return this.log.warn('skipping malformed retry message', { offset: m.offset });
          const wait = retry.notBefore - Date.now();
          if (wait > 0) throw new DelayDelivery(wait);
          await this.processMany([{ envelope: retry.envelope, attempt: retry.attempt + 1, startedAt: Date.now() }]);
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
   * marks the rest SYNCING and commits a write intent for each create (a mapping without the provider's id yet),
   * then writes them call by call.
   */
  private async processCatalog(def: AnyCatalog, adapter: EntityAdapter<FieldValues>, items: Item[]): Promise<void> {
    // Within a batch only the newest version of each record matters.
    const latest = new Map<string, Item>();
    for (const item of items) {
      const snap = snapOf(item.envelope);
      const seen = latest.get(snap.id);
      if (!seen || snapOf(seen.envelope).version <= snap.version) latest.set(snap.id, item);
    }
    // Older versions in this batch: their record's newest version is written instead.
    const older = items.filter((i) => latest.get(snapOf(i.envelope).id) !== i);
    this.outcomes.reportAll(older.map((i) => note(i, 'superseded')));
    // A change that came from this provider, recorded SYNCED here with it: nothing to write, nothing to read.
    for (const [id, item] of latest) {
      if (item.envelope.heldBy !== this.provider.id) continue;
      latest.delete(id);
      this.outcomes.report(note(item, 'already_synced'));
    }
    if (latest.size === 0) return;

    // Its own short transaction: subscribers see SYNCING while the call runs, and an inbound change about a
    // record being created finds it (by the id the provider record carries) and waits for the call.
    // Provider records a create may link instead (same natural key), looked up before any lock is taken.
    const found = await this.lookUp(def, adapter, latest);
    // Creates started here have never been sent; any other intent may have been (`RecordWrite.resent`).
    const fresh = new Set<string>();
    let notes: SyncOutcome[] = [];
    const pending = await this.orm.em.fork().transactional(async (tx) => {
      fresh.clear(); // (a retried transaction starts over)
      notes = [];
      const work = await this.readyForParents(tx, def, await this.claim(tx, def, latest, notes), notes);
      const creating: Array<Work & Creating> = [];
      for (const w of work) {
        w.state.state = SyncStateValue.SYNCING;
        w.state.attempts = w.attempt;
        w.state.waitingForType = null;
        w.state.waitingForId = null;
        if (!w.snap.deleted && !w.mapping) {
          creating.push({ ...w, mapping: startCreate(tx, def, w.snap, this.provider.id, this.key(w, 'create')) });
          fresh.add(w.snap.id);
        }
        announce(tx, w.state, w.mapping?.externalId ?? null);
      }
      // Before any create is committed: a provider record that is the same (natural key) and still no one's
      // twin is linked instead. An inbound change about such a record waits for this (the sync-state locks), and
      // a committed intent means none matched, so inbound never has to wait for the create call itself.
      if (found instanceof ProviderError) {
        // The provider could not be asked: each create's attempt fails (retried by the policy; nothing was sent).
        for (const c of creating) {
          tx.remove(c.mapping);
          await this.failed(tx, { ...c, mapping: null }, found, notes);
        }
        const failed = new Set(creating.map((c) => c.snap.id));
        return work.filter((w) => !failed.has(w.snap.id)).map((w) => w.snap.id);
      }
      await adoptExisting(tx, def, this.provider.id, creating, found);
      await this.linked(
        tx,
        def,
        creating.filter((c) => isLinked(c.mapping)).map((c) => c.snap.id),
      );
      return work.map((w) => w.snap.id);
    });
    this.outcomes.reportAll(notes);

    // One provider call per transaction, so each record's mapping is committed as soon as its call returns.
    // A create repeated from its intent may be older than the record: a second pass sends the rest.
    let todo = pending;
    for (let pass = 0; pass < 2 && todo.length > 0; pass++) {
      const again: string[] = [];
      for (let i = 0; i < todo.length; i += adapter.maxBatchSize) {
        const call = todo.slice(i, i + adapter.maxBatchSize);
        again.push(...(await this.writeCall(def, adapter, new Map(call.map((id) => [id, latest.get(id)!])), fresh)));
      }
      todo = again;
      fresh.clear(); // sent now
    }
  }

  /**
   * `lookUpExisting` for the records that have no twin yet (read without locks: `claim` re-checks under them), or
   * the ProviderError that kept the provider from answering.
   */
  private async lookUp(
    def: AnyCatalog,
    adapter: EntityAdapter<FieldValues>,
    latest: Map<string, Item>,
  ): Promise<RemoteRecord[] | ProviderError> {
    const snaps = [...latest.values()].map((i) => snapOf(i.envelope)).filter((s) => !s.deleted);
    if (snaps.length === 0 || !adapter.findByNaturalKey) return [];
    const em = this.orm.em.fork();
    const ids = snaps.map((s) => s.id);
    const [twinned, rows] = await Promise.all([
      em.find(ExternalMapping, { entityType: def.entityType, provider: this.provider.id, entityId: { $in: ids } }),
      em.find(def.entity, { id: { $in: ids } } as never, { fields: ['id', 'version'] as never }),
    ]);
    // Only records that will be written: a stale event (a newer version follows, or the record is gone) costs no
    // provider call (`claim` judges them again under the locks).
    const current = new Map(rows.map((r) => [r.id, r.version]));
    const creating = snaps.filter(
      (s) => !twinned.some((m) => m.entityId === s.id) && (current.get(s.id) ?? Infinity) <= s.version,
    );
    // A record made here (GraphQL) is looked for only until an import from this provider has completed: then
    // everything it held is linked, and what is made there since comes in by webhook or poll and links by key on
    // the inbound side, so the look would cost a provider call per create for nothing (Stripe: 2 calls instead
    // of 1). Records that came from another provider are always looked for: a person may have made them at both
    // at once (README, "Same natural key on two records").
    // Made here: the record's own create event, from a local change. A retry or requeue of any record says LOCAL
    // too, but is an update event, so a record that came from a provider is still looked for when retried.
    const created = eventType(def.entityType, 'created');
    const madeHere = (s: RecordSnapshot) => {
      const envelope = latest.get(s.id)?.envelope;
      return envelope?.origin === 'LOCAL' && envelope.type === created;
    };
    const lookFor =
      creating.some(madeHere) && (await this.imported(def)) ? creating.filter((s) => !madeHere(s)) : creating;
    try {
      return await lookUpExisting(def, adapter, lookFor);
    } catch (err) {
      if (err instanceof ProviderError) return err;
      throw err;
    }
  }

  /** Whether an import of this catalog from this provider has ever completed (remembered once true). */
  private async imported(def: AnyCatalog): Promise<boolean> {
    if (this.importedTypes.has(def.entityType)) return true;
    const done = await this.orm.em
      .fork()
      .findOne(
        ImportJob,
        { provider: this.provider.id, entityType: def.entityType, status: ImportJobStatus.COMPLETED },
        { fields: ['id'] },
      );
    if (done) this.importedTypes.add(def.entityType);
    return done !== null;
  }

  /**
   * One provider call under the records' sync-state locks (held across the call: an inbound change about these
   * records waits for it, then reads what we wrote). Returns the records that need another write.
   */
  private async writeCall(
    def: AnyCatalog,
    adapter: EntityAdapter<FieldValues>,
    items: Map<string, Item>,
    fresh: ReadonlySet<string> = new Set(),
  ): Promise<string[]> {
    let notes: SyncOutcome[] = [];
    const again = await this.orm.em.fork().transactional(async (tx) => {
      notes = [];
      await tx.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
      // Locked and re-checked: a concurrent write of a newer version (or an inbound change) may have landed.
      const work = await this.readyForParents(tx, def, await this.claim(tx, def, items, notes), notes);
      if (work.length === 0) return [];
      const writes = work.map((w) => this.toWrite(def, w, !fresh.has(w.snap.id)));
      // Their parents' ids here (all linked: `readyForParents` let only those through).
      for (const write of def.parents?.length ? writes : []) {
        const parents = write.op === 'upsert' ? await parentIdsAt(tx, def, write.record, this.provider.id) : undefined;
        if (parents && 'ids' in parents) write.parentIds = parents.ids;
      }
      let results: WriteResult[];
      try {
        results = await adapter.write(writes);
      } catch (err) {
        const error = err instanceof ProviderError ? err : toUnknownProviderError(this.provider.id, err);
        results = work.map(() => ({ ok: false as const, error }));
      }
      // Errors from here on (database) roll back and redeliver: the writes above are idempotent.
      const again: string[] = [];
      const linkedNow: string[] = [];
      for (const [i, w] of work.entries()) {
        const write = writes[i]!;
        const result = results[i] ?? {
          ok: false as const,
          error: toUnknownProviderError(this.provider.id, new Error('no result')),
        };
        // A resent create whose first send made a record that has been deleted since: that record is its twin.
        if (!result.ok && result.externalId && w.mapping && !isLinked(w.mapping))
          completeCreate(w.mapping, def, result.externalId);
        if (result.ok) {
          if (w.mapping && !isLinked(w.mapping) && result.externalId) {
            completeCreate(w.mapping, def, result.externalId);
            linkedNow.push(w.snap.id);
          } else if (isLinked(w.mapping) && result.externalId && result.externalId !== w.mapping.externalId) {
            // The provider replaced its record (`WriteSucceeded.externalId`): the new one is the twin now.
            w.mapping.externalId = result.externalId;
          }
          if (result.readBack && isLinked(w.mapping))
            enqueueRecheck(
              tx,
              this.provider.id,
              def.entityType,
              w.mapping.externalId,
              'provider set values of its own',
            );
          if (write.record.version < w.snap.version) again.push(w.snap.id);
          else this.succeeded(tx, def, w, notes, result.requestId);
        } else if (result.gone && isLinked(w.mapping)) {
          // The provider deleted the record: apply that delete through the inbound path, and retry this write in
          // case it was something else (it is superseded once the delete lands).
          enqueueRecheck(tx, this.provider.id, def.entityType, w.mapping.externalId, 'write answered not found');
          const deleted = new ProviderError(this.provider.id, `deleted at ${this.provider.id}; applying that delete`, {
            retryable: true,
            cause: result.error,
            requestId: result.error.requestId,
          });
          await this.failed(tx, w, deleted, notes, SyncStateValue.PENDING);
        } else {
          // A create refused outright made nothing: drop its intent, so the next attempt sends the record as it is
          // then. A transient failure keeps it, and the retry repeats the same request.
          if (w.mapping && !isLinked(w.mapping) && !result.error.retryable) tx.remove(w.mapping);
          await this.failed(tx, w, result.error, notes);
        }
      }
      await this.linked(tx, def, linkedNow);
      return again;
    });
    this.outcomes.reportAll(notes);
    return again;
  }

  /**
   * Locks the items' sync states (sorted: concurrent batches cannot deadlock), loads their mappings and keeps the
   * items that still need writing. Both transactions of a write claim under the lock, so a stale reader can
   * never overwrite a newer state (e.g. leave a record SYNCING).
   */
  private async claim(
    tx: EntityManager,
    def: AnyCatalog,
    items: Map<string, Item>,
    notes: SyncOutcome[],
  ): Promise<Work[]> {
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
      else notes.push(note(item, verdict === 'superseded' ? 'superseded' : 'already_synced'));
    }
    return out;
  }

  /**
   * Parents first (engine/parents.ts): a record to be written whose parent has no twin at this provider yet is
   * marked waiting for it (PENDING, no attempt used, nothing queued); the rest are returned.
   */
  private async readyForParents(
    tx: EntityManager,
    def: AnyCatalog,
    work: Work[],
    notes: SyncOutcome[],
  ): Promise<Work[]> {
    if (!def.parents?.length) return work;
    const ready: Work[] = [];
    for (const w of work) {
      // A delete needs no parent; an upsert needs every parent it names now (a moved invoice, a new customer).
      const verdict = w.snap.deleted ? undefined : await parentIdsAt(tx, def, w.snap, this.provider.id);
      if (verdict && 'waitingFor' in verdict) {
        w.state.state = SyncStateValue.PENDING;
        markWaiting(w.state, verdict.waitingFor);
        announce(tx, w.state, w.mapping?.externalId ?? null);
        notes.push(note(w, 'waiting', { reason: `waiting for ${verdict.waitingFor.entityType} to be synced` }));
      } else ready.push(w);
    }
    return ready;
  }

  /** Records just got their twins here: records waiting for them as their parent go out now. */
  private async linked(tx: EntityManager, def: AnyCatalog, entityIds: readonly string[]): Promise<void> {
    await wakeChildren(tx, this.catalogs.childrenOf(def), def, entityIds, this.provider.id);
  }

  /** `maybeSent`: a create of this record may have been sent before (its intent was not started just now). */
  private toWrite(def: AnyCatalog, w: Work, maybeSent: boolean): RecordWrite {
    const { mapping, snap } = w;
    // A create whose outcome is unknown is repeated as it was first sent (same key, same data): the provider
    // answers with what it made, if anything. Even for a delete: then the second pass deletes what it made.
    const create = mapping ? intendedCreate(mapping) : undefined;
    if (create) {
      const write: RecordWrite = {
        op: 'upsert',
        record: create.record,
        externalId: undefined,
        idempotencyKey: create.key,
      };
      return maybeSent ? { ...write, resent: true } : write;
    }
    if (snap.deleted) {
      const externalId = mapping?.externalId ?? undefined; // never linked: nothing there to delete
      return { op: 'delete', record: snap, externalId, idempotencyKey: this.key(w, 'delete') };
    }
    return {
      op: 'upsert',
      record: snap,
      externalId: mapping?.externalId ?? undefined,
      changed: fieldsToSend(def, mapping?.lastSyncedData ?? null, snap),
      ourIdMissing: mapping ? !mapping.carriesOurId : false,
      idempotencyKey: this.key(w, 'update'),
    };
  }

  private key(w: Work, operation: string): string {
    return this.provider.idempotencyKey(w.envelope.id, operation);
  }

  private succeeded(
    tx: EntityManager,
    def: AnyCatalog,
    w: Work,
    notes: SyncOutcome[],
    requestId: string | undefined,
  ): void {
    const { snap, state, mapping } = w;
    if (isLinked(mapping)) {
      if (snap.deleted) {
        mapping.lastSyncedVersion = Math.max(mapping.lastSyncedVersion ?? 0, snap.version);
        mapping.lastSyncedHash = null;
        mapping.lastSyncedData = null;
      } else {
        rememberHeld(mapping, def, snap, snap.version);
        mapping.carriesOurId = true; // every upsert stores it
      }
    }
    state.state = SyncStateValue.SYNCED;
    state.lastError = null;
    state.lastSyncedAt = new Date();
    announce(tx, state, mapping?.externalId ?? null);
    notes.push(note(w, 'synced', { externalId: mapping?.externalId, providerRequestId: requestId }));
  }

  private async failed(
    tx: EntityManager,
    w: Work,
    err: ProviderError,
    notes: SyncOutcome[],
    whileRetrying: SyncStateValue = SyncStateValue.FAILED,
  ): Promise<void> {
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
    state.state = retry ? whileRetrying : SyncStateValue.FAILED;
    state.attempts = attempt;
    // Kept for people too (Query.deadLetters; replayDeadLetter or retrySync sends the record again).
    if (!retry)
      tx.create(DeadLetter, {
        id: randomUUID(),
        provider: this.provider.id,
        direction: 'outbound',
        entityType: w.envelope.entityType,
        entityId: snap.id,
        externalId: w.mapping?.externalId ?? null,
        error: err.message,
        attempts: attempt,
        message: null,
      });
    state.lastError = retry
      ? `${err.message} (attempt ${attempt} of ${this.policy.maxAttempts}; retrying)`
      : `${err.message} (attempt ${attempt} of ${this.policy.maxAttempts}; gave up — use retrySync to try again)`;
    announce(tx, state, w.mapping?.externalId ?? null);
    // Not retried: refused outright (`failed`), or out of attempts (`dead_lettered`); both go to the dead letters.
    const outcome = retry ? 'retrying' : err.retryable ? 'dead_lettered' : 'failed';
    notes.push(
      note(w, outcome, {
        externalId: w.mapping?.externalId,
        error: err,
        level: 'warn',
        providerRequestId: err.requestId,
      }),
    );
  }
}

/** An outbound outcome of this event (reported once its transaction has committed). */
function note(item: Item, outcome: string, extra: Partial<SyncOutcome> = {}): SyncOutcome {
  return {
    correlationId: item.envelope.id,
    direction: 'outbound',
    entityType: item.envelope.entityType,
    entityId: item.envelope.entityId,
    outcome,
    attempt: item.attempt,
    startedAt: item.startedAt,
    changedAt: item.envelope.createdAt,
    ...extra,
  };
}
