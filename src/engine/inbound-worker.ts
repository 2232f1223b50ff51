import {
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { FieldValues } from '../core/catalog.js';
import type { Logger } from '../core/logger.js';
import type { EntityAdapter, InboundChange, ProviderConnection } from '../core/provider.js';
import { ProviderError } from '../core/provider-error.js';
import { judgeEvent } from '../core/sync-rules.js';
import { providerTopics } from '../core/topics.js';
import type { Orm } from '../platform/db/orm.js';
import type { IncomingMessage, KafkaTransport, Subscription } from '../platform/kafka.js';
import type { ConsumerGroup, Metrics } from '../platform/metrics.js';
import type { ApplyResult } from './apply-remote.js';
import { Backfill } from './backfill.js';
import {
  applyInboundBatch,
  type InboundBatchOutcome,
  type InboundOutcome,
  type InboundRecord,
  type SettledEvent,
} from './inbound-batch.js';
import type { Catalogs } from './catalogs.js';
import type { CatalogChanges } from './changes.js';
import { DeadLetter, ExternalMapping } from './entities/index.js';
import { claimEvents, seenEvents } from './inbox.js';
import type { SyncHistory } from './sync-history.js';
import { OutcomeReporter, type SyncOutcome } from './outcomes.js';
import { LOCK_TIMEOUT } from './outbound-worker.js';
import { applyProviderChange } from './provider-change.js';
import { lockRemoteRecord } from './record-locks.js';
import { parseRecheck } from './recheck.js';
import { parseResync, type ResyncMessage } from './resync.js';
import { gatherReads } from './gathered-reads.js';

function isConstraintViolation(err: unknown): boolean {
  return err instanceof UniqueConstraintViolationException || err instanceof ForeignKeyConstraintViolationException;
}

export type { InboundOutcome };

/** A provider record's messages in a chunk, in order; `duplicate`: its event was seen before. */
interface Lane {
  items: Array<{ change: InboundChange; m: IncomingMessage; body: unknown; duplicate: boolean }>;
  events: Set<string>;
}

/**
 * Postgres gave up on a lock for this record's transaction (a deadlock it broke, or lock_timeout): nothing of it was
 * written, and the same change will go through once the other transaction is done.
 */
function isLockConflict(err: unknown): boolean {
  // MikroORM maps 40P01 (deadlock) and 40001 to DeadlockException; 55P03 (lock_not_available, lock_timeout) stays
  // a plain DriverException (https://www.postgresql.org/docs/current/errcodes-appendix.html).
  return err instanceof DeadlockException || (err instanceof DriverException && err.code === '55P03');
}

/** Retries of one change after which a lock conflict is logged as an error (it still retries: nothing is lost). */
const LOCK_RETRIES_BEFORE_ERROR = 5;

/** A provider read the chunk's batch made of a record, failed: the record's first change that reads takes it. */
interface EarlierRead {
  error: unknown;
}

/**
 * lock_timeout of a chunk's transaction: shorter than a record's (LOCK_TIMEOUT), since it holds the locks of every
 * record of the chunk while it waits; a chunk that cannot have them soon goes record by record.
 */
const CHUNK_LOCK_TIMEOUT = '5s';

/** Messages of a partition handled (and marked done) together. */
const CHUNK = 50;
/** Provider records of one chunk applied side by side (each holds a database connection while it re-reads). */
const LANES = 8;
/** Wait before re-reading a record the provider could not give us. */
const RETRY_MS = 2000;

/**
 * Applies provider changes (from `inbound.<provider>`, fed by webhooks and polls) to the local catalog, for every
 * catalog the provider has an adapter for: dedupe and echo checks first (core/sync-rules.ts `judgeEvent`), then
 * under the record's lock the provider's current record is re-fetched and applied (`applyRemoteRecord`), with the
 * event id claimed in the inbox in the same transaction.
 */
export class InboundWorker {
  private sub: Subscription | undefined;
  private stopping = false;
  private readonly log: Logger;
  private readonly adapters: Map<string, EntityAdapter<FieldValues>>;
  /** Full resyncs a poller asked for (`resync.ts`), run as imports that also find deletes. */
  private readonly resyncs: Backfill;
  private readonly outcomes: OutcomeReporter;
  /** Called with each outcome (metrics, tests). */
  onOutcome: ((change: InboundChange, outcome: InboundOutcome) => void) | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly provider: ProviderConnection,
    private readonly catalogs: Catalogs,
    private readonly changes: CatalogChanges,
    logger: Logger,
    metrics?: Metrics,
    history?: SyncHistory,
  ) {
    this.log = logger.child({ component: 'inbound-worker', provider: provider.id });
    this.adapters = new Map(provider.adapters.map((a) => [a.entityType, gatherReads(a)]));
    this.resyncs = new Backfill(orm, new Map([[provider.id, provider]]), catalogs, changes, this.log);
    this.outcomes = new OutcomeReporter(provider.id, this.log, metrics, history);
  }

  consumerGroups(): [ConsumerGroup] {
    const topics = [providerTopics(this.provider.id).inbound];
    return [{ groupId: `catalog-sync-inbound-${this.provider.id.toLowerCase()}`, topics }];
  }

  async start(): Promise<void> {
    const [group] = this.consumerGroups();
    this.stopping = false;
    this.sub = await this.kafka.subscribeBatch({
      groupId: group.groupId,
      topics: [...group.topics],
      fromBeginning: true,
      handleBatch: async (messages, progress) => {
        for (let i = 0; i < messages.length; i += CHUNK) {
          const chunk = messages.slice(i, i + CHUNK);
          await this.handleChunk(chunk, progress.heartbeat);
          progress.done(chunk.at(-1)!.offset); // a redelivery after a failure starts after it
          await progress.heartbeat();
        }
      },
    });
  }

  /**
   * A partition's messages, several records at once: one lane per provider record, its changes in order, up to
   * LANES lanes side by side. Each change waits on a provider read (the re-fetch), so one at a time per partition
   * left the worker idle most of the time. Records are independent here: what one change of a record may touch of
   * another (an invoice bringing its customer in) is serialized by that record's lock, taken in the one lock order.
   */
  private async handleChunk(chunk: IncomingMessage[], heartbeat: () => Promise<void>): Promise<void> {
    const items: Array<{ change: InboundChange; m: IncomingMessage; body: unknown }> = [];
    for (const m of chunk) {
      let body: unknown;
      try {
        body = JSON.parse(m.value?.toString() ?? '');
      } catch {
        this.log.warn('skipping malformed inbound message', { offset: m.offset });
        continue;
      }
      const resync = parseResync(body);
      if (resync) {
        await this.resync(resync);
        continue;
      }
      const recheck = parseRecheck(body);
      for (const change of recheck ? [recheck] : this.provider.parseInbound(body)) items.push({ change, m, body });
    }
    // Redeliveries (a webhook Stripe retried, a chunk given again after a failure) are skipped without a
    // transaction each: the chunk's event ids are looked up in the inbox in one statement.
    const seen = await seenEvents(
      this.orm.em.fork(),
      this.provider.id,
      items.map((i) => i.change.eventId),
    );
    const lanes = new Map<string, Lane>();
    for (const { change, m, body } of items) {
      const key = `${change.entityType}:${change.externalId}`;
      const lane = lanes.get(key) ?? { items: [], events: new Set<string>() };
      lanes.set(key, lane);
      // The same event twice in one chunk (a webhook delivered again at once): the copy is a duplicate.
      const duplicate = seen.has(change.eventId) || lane.events.has(change.eventId);
      lane.events.add(change.eventId);
      lane.items.push({ change, m, body, duplicate });
    }
    const { together, earlierReads } = await this.settleTogether(lanes);
    await heartbeat(); // the chunk's transaction may have waited for locks and reads
    const queue = [...lanes].filter(([key]) => !together.has(key));
    const runLane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [key, lane] = next;
        const earlier = await this.earlierRead(earlierReads.get(key), heartbeat);
        for (const { change, m, body, duplicate } of lane.items)
          await this.handleChange(change, m, body, heartbeat, duplicate, earlier);
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(LANES, queue.length) }, runLane));
    // e.g. the database is down: the chunk is delivered again (what was applied is in the inbox: skipped then).
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Settles the chunk's records that can be settled together (`applyInboundBatch`: new records and echoes) in one
   * transaction; returns their lane keys. The others, and all of them if that transaction fails (e.g. a deadlock
   * with an import), go record by record.
   */
  private async settleTogether(
    lanes: ReadonlyMap<string, Lane>,
  ): Promise<{ together: Set<string>; earlierReads: Map<string, Promise<unknown>> }> {
    const records: Array<InboundRecord & { key: string }> = [];
    for (const [key, lane] of lanes) {
      const { entityType, externalId } = lane.items[0]!.change;
      const adapter = this.adapters.get(entityType);
      const events = lane.items.filter((i) => !i.duplicate).map((i) => i.change);
      if (!adapter || !this.catalogs.has(entityType) || events.length === 0) continue;
      records.push({ key, def: this.catalogs.get(entityType), adapter, externalId, events });
    }
    if (records.length === 0) return { together: new Set(), earlierReads: new Map() };
    const startedAt = Date.now();
    const reads = new Map<InboundRecord, Promise<unknown>>();
    const earlierReads = () => new Map([...reads].map(([r, read]) => [(r as (typeof records)[number]).key, read]));
    let outcome: InboundBatchOutcome;
    try {
      outcome = await this.orm.em.fork().transactional(async (tx) => {
        await tx.execute(`set local lock_timeout = '${CHUNK_LOCK_TIMEOUT}'`);
        return applyInboundBatch(tx, this.changes, this.provider.id, records, reads);
      });
    } catch (error) {
      this.log.warn('inbound chunk could not be applied at once; applying its records one by one', { error });
      // The reads it started are still used: a record already read is not read again at once.
      return { together: new Set(), earlierReads: earlierReads() };
    }
    const left = new Set(outcome.rest);
    const together = new Set(records.filter((r) => !left.has(r)).map((r) => r.key));
    const settled = new Map(outcome.settled.map((s) => [s.eventId, s]));
    for (const key of together) {
      for (const { change, duplicate } of lanes.get(key)!.items) {
        this.settled(change, startedAt, (!duplicate && settled.get(change.eventId)) || { outcome: 'duplicate' });
      }
    }
    return { together, earlierReads: earlierReads() };
  }

  /**
   * Waits for a provider read the chunk's batch started of a record (heartbeating around it: a jsforce retry chain
   * can take 15 s); its failure, if it failed, for the record's first change that reads.
   */
  private async earlierRead(
    read: Promise<unknown> | undefined,
    heartbeat: () => Promise<void>,
  ): Promise<EarlierRead | undefined> {
    if (!read) return undefined;
    await heartbeat();
    const failed = await read.then(
      () => undefined,
      (error: unknown) => ({ error: error ?? new Error('provider read failed') }),
    );
    // Stopping: this member's partitions go to the next owner, which reads afresh.
    if (this.stopping) throw new Error('stopping while a provider read was pending; the chunk is redelivered');
    await heartbeat();
    return failed;
  }

  private async handleChange(
    change: InboundChange,
    m: IncomingMessage,
    body: unknown,
    heartbeat: () => Promise<void>,
    seen: boolean,
    /** The record's provider read the chunk's batch made, failed: the first change that reads takes it as its own. */
    earlier?: EarlierRead,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const startedAt = Date.now();
      try {
        await this.process(change, seen, earlier);
        return;
      } catch (err) {
        // The provider is unavailable for the re-fetch, or Postgres broke a lock wait of this record's
        // transaction: this record waits and tries again (its lane holds its later changes back, so they stay in
        // order); the others go on.
        if (((err instanceof ProviderError && err.retryable) || isLockConflict(err)) && !this.stopping) {
          const level = isLockConflict(err) && attempt >= LOCK_RETRIES_BEFORE_ERROR ? 'error' : 'warn';
          this.outcomes.report(note(change, 'retrying', startedAt, { error: err, level, attempt }));
          await new Promise((r) => setTimeout(r, RETRY_MS));
          await heartbeat();
          continue;
        }
        // A change that can never apply (the provider refuses the read, a constraint we cannot meet): park it on
        // the dead-letter topic with the reason instead of blocking the partition forever.
        if (err instanceof ProviderError || isConstraintViolation(err)) {
          if (err instanceof ProviderError && err.retryable) throw err; // stopping: redelivered to the next owner
          await this.deadLetter(m.value?.toString() ?? '', body, change, err);
          this.outcomes.report(note(change, 'dead_lettered', startedAt, { error: err, level: 'error' }));
          return;
        }
        throw err; // e.g. the database is down: redelivered
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.sub?.stop();
    this.sub = undefined;
    await this.resyncs.idle();
  }

  /**
   * Starts the import in the background (one per provider and catalog runs at a time; a job already running
   * is that resync), so the partition is not held up while it pages through the provider.
   */
  private async resync(m: ResyncMessage): Promise<void> {
    if (!this.adapters.has(m.entityType) || !this.catalogs.has(m.entityType)) {
      return this.log.warn('resync asked for a catalog this provider does not sync', { entityType: m.entityType });
    }
    const job = await this.resyncs.start(this.provider.id, m.entityType, { findDeleted: true });
    this.log.warn('full resync started', { entityType: m.entityType, reason: m.reason, importJob: job.id });
  }

  /**
   * `seen`: whether the event id is in the inbox already (a redelivery), as the caller read it for a whole chunk in
   * one statement; without it, the inbox insert in the applying transaction tells. Either way an event is applied
   * once: the insert claims its id in the transaction that applies it.
   */
  async process(change: InboundChange, seen = false, earlier?: EarlierRead): Promise<InboundOutcome> {
    const startedAt = Date.now();
    const adapter = this.adapters.get(change.entityType);
    if (!adapter || !this.catalogs.has(change.entityType)) {
      this.log.debug('inbound change for a catalog this provider does not sync', { entityType: change.entityType });
      return 'unchanged';
    }
    const def = this.catalogs.get(change.entityType);
    const provider = this.provider.id;
    const em = this.orm.em.fork();
    const key = { provider, entityType: def.entityType, externalId: change.externalId };
    const verdict = judgeEvent(def, {
      alreadySeen: seen,
      markedOurs: change.markedOurs,
      announced: change.announced,
      link: change.announced || change.markedOurs ? await em.findOne(ExternalMapping, key) : null,
    });
    let outcome: InboundOutcome;
    let result: ApplyResult | undefined;
    if (verdict === 'duplicate') {
      outcome = 'duplicate';
    } else if (verdict === 'echo') {
      outcome = (await claimEvents(em, provider, [change.eventId])).size > 0 ? 'echo' : 'duplicate';
    } else {
      // The record's read the chunk's batch made failed: this change takes that failure as its own read's (once).
      if (earlier?.error !== undefined) {
        const error = earlier.error;
        earlier.error = undefined;
        throw error;
      }
      result = await em.transactional(async (tx) => {
        await tx.execute(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
        // The record's lock before its event's claim, as a chunk applied together takes them (inbound-batch.ts): a
        // transaction waiting on an unclaimed event id never holds what the claiming one waits for.
        await lockRemoteRecord(tx, provider, change.externalId);
        // Claim the event id in the same transaction as the change: a crash before commit redoes both.
        if ((await claimEvents(tx, provider, [change.eventId])).size === 0) return undefined;
        return applyProviderChange(
          tx,
          this.changes,
          def,
          adapter,
          provider,
          { externalId: change.externalId, known: change.announced, markedOurs: change.markedOurs },
          { adapterFor: (entityType) => this.adapters.get(entityType) },
        );
      });
      outcome = result?.outcome ?? 'duplicate';
    }
    this.settled(change, startedAt, { outcome, entityId: result?.entityId, reason: result?.reason });
    return outcome;
  }

  /** Reports how an event ended (log, metrics, history) and tells `onOutcome`. */
  private settled(change: InboundChange, startedAt: number, s: Omit<SettledEvent, 'eventId'>): void {
    const level = s.outcome === 'skipped' ? 'warn' : 'info';
    this.outcomes.report(note(change, s.outcome, startedAt, { entityId: s.entityId, reason: s.reason, level }));
    this.onOutcome?.(change, s.outcome);
  }

  private async deadLetter(raw: string, body: unknown, change: InboundChange, err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    // Listed for people (Query.deadLetters); replayDeadLetter puts this very message back on the inbound topic.
    await this.orm.em.fork().insert(DeadLetter, {
      id: randomUUID(),
      provider: this.provider.id,
      direction: 'inbound',
      entityType: change.entityType,
      entityId: null,
      externalId: change.externalId,
      error: reason,
      attempts: 1,
      message: body as Record<string, unknown>,
      createdAt: new Date(), // insert() runs no onCreate hooks
    });
    await this.kafka.publish([
      {
        topic: providerTopics(this.provider.id).deadLetter,
        key: change.externalId,
        value: JSON.stringify({ kind: 'inbound', change, message: raw, reason, at: new Date().toISOString() }),
      },
    ]);
  }
}

/** An inbound outcome of this provider change. */
function note(change: InboundChange, outcome: string, startedAt: number, extra: Partial<SyncOutcome>): SyncOutcome {
  return {
    correlationId: change.eventId,
    direction: 'inbound',
    entityType: change.entityType,
    externalId: change.externalId,
    outcome,
    startedAt,
    ...extra,
  };
}
