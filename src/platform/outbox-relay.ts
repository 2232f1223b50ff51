import type { EntityManager } from '@mikro-orm/postgresql';
import { LockKeys, tryLockXact } from './db/advisory-locks.js';
import type { Orm } from './db/orm.js';
import type { Logger } from '../core/logger.js';
import type { KafkaTransport } from './kafka.js';
import { OUTBOX_BACKLOG_CAP, type OutboxStats } from './metrics.js';
import { every } from './periodic.js';

/**
 * Publishes outbox rows to Kafka in commit order and marks them published.
 *
 * Exactly one relay publishes at a time (a transaction-scoped advisory lock), so several relay processes can run
 * for availability without reordering one entity's events. Rows are marked published (claimed) and then sent, in
 * one transaction: if Kafka is down the transaction rolls back and the rows wait for the next round
 * (at-least-once; consumers dedupe by event id).
 */
export interface OutboxRelayOptions {
  batchSize: number;
  pollIntervalMs: number;
  maxBackoffMs?: number;
  /** Published rows older than this many hours are deleted (every minute, a bounded number). 0 keeps them all. */
  keepPublishedHours?: number;
}

/** How often the relay deletes published rows past their keep, and how many rows one delete looks at. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_SCAN = 5000;
/** Deletes per prune at most: 100,000 rows a minute, far above what the outbox takes in. */
const PRUNE_ROUNDS = 20;

interface OutboxRow {
  seq: string;
  id: string;
  topic: string;
  key: string;
  type: string;
  payload: Record<string, unknown>;
}

/** The channel a commit that added outbox rows notifies (db/notifications.ts notifyAfterCommit). */
export const OUTBOX_CHANNEL = 'outbox_event';

/** Batches per transaction: what a failed send makes the relay publish again is at most this many batches. */
const BATCHES_PER_ROUND = 10;

function toMessage(r: OutboxRow) {
  return {
    topic: r.topic,
    key: r.key,
    value: JSON.stringify(r.payload),
    headers: { 'event-id': r.id, 'event-type': r.type },
  };
}

export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private failures = 0;
  private pruner: { stop(): Promise<void> } | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly kafka: KafkaTransport,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  /**
   * Publishes up to BATCHES_PER_ROUND batches in one transaction. Returns how many rows went out (0 when idle or
   * when another relay holds the lock). Each batch is claimed (marked published and read in one statement), then
   * sent; the next batch is claimed while Kafka takes the one before it, and sent only once that one is
   * acknowledged, so order is kept. If a send fails the transaction rolls back and the whole round goes again
   * (at-least-once; consumers dedupe by event id).
   */
  async publishBatch(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx: EntityManager) => {
      // tx.execute (not getConnection().execute) so every statement runs inside this transaction.
      if (!(await tryLockXact(tx, LockKeys.outboxRelay))) return 0;
      let rows = await this.claimNext(tx);
      let published = 0;
      for (let batch = 1; rows.length > 0; batch++) {
        const sending = this.kafka.publish(rows.map(toMessage));
        sending.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
        const next =
          rows.length === this.options.batchSize && batch < BATCHES_PER_ROUND ? await this.claimNext(tx) : [];
        await sending;
        published += rows.length;
        rows = next;
      }
      return published;
    });
  }

  /**
   * Marks the next batch published and returns it in seq order. Each claim reads in a new snapshot (read
   * committed): a row committed since the last claim with a lower seq comes first, so one entity's events never
   * overtake each other. No `select ... for update` first: the advisory lock already makes this the only relay,
   * and that pass would write a lock on every row before the update writes the row again.
   */
  private async claimNext(tx: EntityManager): Promise<OutboxRow[]> {
    const rows = await tx.execute<OutboxRow[]>(
      `update outbox_event o set published_at = statement_timestamp()
         from (select seq from outbox_event where published_at is null order by seq limit ?) next
        where o.seq = next.seq
        returning o.seq, o.id, o.topic, o.key, o.type, o.payload`,
      [this.options.batchSize],
    );
    // RETURNING comes in no promised order; seq is a bigint, read as a string.
    return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  }

  /**
   * Deletes published rows older than `keepPublishedHours`, so the outbox holds the backlog and a recent tail (for
   * support and replays), not every event ever made. Each delete looks only at the oldest PRUNE_SCAN rows by seq:
   * the relay publishes in seq order, so the rows past their keep are at the head, and the cost is bounded
   * whatever the table's size, even when nothing is due. An unpublished row at the head is left alone and does
   * not stop the rows after it. Returns how many rows it deleted.
   */
  async prune(): Promise<number> {
    const hours = this.options.keepPublishedHours ?? 0;
    if (hours <= 0) return 0;
    let deleted = 0;
    for (let round = 0; round < PRUNE_ROUNDS; round++) {
      // One relay prunes at a time (several deleting the same head would only wait on each other). The cutoff is
      // the database's clock, like published_at.
      const rows = await this.orm.em.fork().transactional(async (tx: EntityManager) =>
        (await tryLockXact(tx, LockKeys.outboxPrune))
          ? tx.execute<{ seq: string }[]>(
              `delete from outbox_event where seq in (
                 select seq from (select seq, published_at from outbox_event order by seq limit ?) head
                  where published_at < now() - ? * interval '1 hour')
               returning seq`,
              [PRUNE_SCAN, hours],
            )
          : [],
      );
      deleted += rows.length;
      if (rows.length === 0) break;
    }
    return deleted;
  }

  /**
   * Unpublished rows (counted up to OUTBOX_BACKLOG_CAP) and the oldest one's age: two reads of the partial index
   * of unpublished rows (entities/outbox-event.ts), whatever the size of the published history.
   */
  async stats(): Promise<OutboxStats> {
    const [row] = await this.orm.em.fork().execute<Array<{ backlog: string | number; age: string | number | null }>>(
      `select (select count(*) from (select 1 from outbox_event where published_at is null limit ?) capped) as backlog,
              (select extract(epoch from now() - created_at) from outbox_event where published_at is null
                order by seq limit 1) as age`,
      [OUTBOX_BACKLOG_CAP],
    );
    return { backlog: Number(row?.backlog ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    // Beside the publishing, not in its way (catching up on a large table takes a while), whether or not Kafka
    // takes the sends.
    if ((this.options.keepPublishedHours ?? 0) > 0)
      this.pruner = every(
        PRUNE_EVERY_MS,
        () => this.prune(),
        (error) => this.logger.warn('could not delete old published outbox rows; trying again later', { error }),
      );
  }

  /** Wakes the loop now instead of at the next poll (called after local commits in the same process). */
  nudge(): void {
    // During a round the wake-up is kept for its end: the commit may have come after the round's last read.
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    await this.pruner?.stop();
    this.pruner = undefined;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let published = 0;
      try {
        published = await this.publishBatch();
        if (this.failures > 0) this.logger.info('outbox relay recovered', { afterFailures: this.failures });
        this.failures = 0;
      } catch (err) {
        this.failures += 1;
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.logger.warn('outbox relay could not publish; rows stay queued', { error: err, failures: this.failures });
        }
      }
      if ((published >= this.options.batchSize || this.nudged) && this.failures === 0) continue;
      const backoff = this.failures
        ? Math.min(this.options.maxBackoffMs ?? 5000, this.options.pollIntervalMs * 2 ** Math.min(this.failures, 6))
        : this.options.pollIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
