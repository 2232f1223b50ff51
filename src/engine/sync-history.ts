import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { Orm } from '../platform/db/orm.js';
import { SyncEvent } from './entities/index.js';
import type { OutcomeSink, SyncOutcome } from './outcomes.js';
import { every } from '../platform/periodic.js';

export interface SyncHistoryOptions {
  /** Rows are written together once this many wait, or `lingerMs` after the first (one INSERT per batch). */
  maxBatch?: number;
  lingerMs?: number;
  /**
   * While the database is unreachable rows wait in memory up to this many (plus the batch being tried); older
   * ones are dropped beyond it.
   */
  maxPending?: number;
  /** Rows older than this many days are deleted (hourly, a bounded number at a time). 0 keeps everything. */
  retentionDays?: number;
}

type Row = ConstructorParameters<typeof SyncEvent>[0] & Record<string, unknown>;

const ERROR_CHARS = 2000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_ROWS = 10_000;
/** Deletes per prune at most: 500,000 rows an hour, above what a busy deployment's workers write. */
const PRUNE_ROUNDS = 50;

/**
 * Writes the sync history (`sync_event`): every outcome the workers report becomes a row, batched into one INSERT
 * per `maxBatch` rows or `lingerMs`, off the sync path: a worker never waits for its history, and a history the
 * database cannot take right now waits in memory (bounded) rather than failing the sync. The history is a record
 * of what happened, like the log: a crash loses at most the rows of the last `lingerMs`; sync states and data
 * are never at stake (they are written in the sync's own transaction).
 */
export class SyncHistory implements OutcomeSink {
  private pending: Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private inFlight = 0;
  private failing = false;
  /** The hourly prune; close() waits for one under way (it may run up to PRUNE_ROUNDS statements). */
  private readonly pruner: { stop(): Promise<void> } | undefined;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxPending: number;
  private readonly retentionDays: number;
  /** Rows dropped because the database could not take them in time (counted, and logged once per outage). */
  dropped = 0;
  private warned = false;

  constructor(
    private readonly orm: Orm,
    private readonly log: Logger,
    opts: SyncHistoryOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.lingerMs = opts.lingerMs ?? 100;
    this.maxPending = opts.maxPending ?? 20_000;
    this.retentionDays = opts.retentionDays ?? 30;
    if (this.retentionDays > 0)
      this.pruner = every(
        PRUNE_EVERY_MS,
        () => this.prune(),
        (error) => this.log.warn('could not delete old sync history; trying again in an hour', { error }),
      );
  }

  /** Rows not written yet: waiting, plus the batch being written. */
  get backlog(): number {
    return this.pending.length + this.inFlight;
  }

  add(provider: string, o: SyncOutcome, at: Date, durationMs: number): void {
    if (this.pending.length >= this.maxPending) {
      this.pending.shift();
      this.dropped += 1;
      if (!this.warned) {
        this.warned = true;
        this.log.warn('sync history backlog full: dropping the oldest rows until the database takes them');
      }
    }
    this.pending.push({
      id: randomUUID(),
      at,
      provider,
      direction: o.direction,
      entityType: o.entityType,
      entityId: o.entityId ?? null,
      externalId: o.externalId ?? null,
      outcome: o.outcome,
      error: errorText(o.error),
      attempt: o.attempt ?? null,
      eventId: o.correlationId,
      providerRequestId: o.providerRequestId ?? null,
      durationMs: Math.max(0, Math.round(durationMs)),
    });
    // A full batch goes at once, unless one is being written or the database just failed (then the timer tries).
    if (this.pending.length >= this.maxBatch && !this.flushing && !this.failing) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
  }

  /** Writes what is pending now (one batch at a time); on failure the rows wait for the next try. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const rows = this.pending.splice(0, this.maxBatch);
    this.inFlight = rows.length;
    let written = false;
    this.flushing = this.orm.em
      .fork()
      .insertMany(SyncEvent, rows)
      .then(
        () => {
          written = true;
          this.failing = false;
          this.warned = false;
        },
        (error: unknown) => {
          const kept = rows.slice(0, Math.max(0, this.maxPending - this.pending.length));
          this.dropped += rows.length - kept.length;
          this.pending.unshift(...kept);
          this.failing = true;
          this.log.debug('sync history not written yet; retrying', { error });
        },
      )
      .finally(() => {
        this.flushing = undefined;
        this.inFlight = 0;
      });
    await this.flushing;
    // More than a batch waiting: the next one now; after a failure, the next try in a second (not in a loop).
    if (written && this.pending.length >= this.maxBatch) await this.flush();
    else if (this.pending.length > 0)
      this.timer ??= setTimeout(() => void this.flush(), written ? this.lingerMs : 1000);
  }

  /**
   * Deletes rows past the retention, PRUNE_ROWS per statement (short transactions), until none is left or after
   * PRUNE_ROUNDS statements (a longer backlog goes over the next hours).
   */
  async prune(now = new Date()): Promise<number> {
    if (this.retentionDays <= 0) return 0;
    const before = new Date(now.getTime() - this.retentionDays * 24 * 60 * 60 * 1000);
    let total = 0;
    for (let round = 0; round < PRUNE_ROUNDS; round++) {
      const deleted = await this.orm.em
        .fork()
        .execute<{ id: string }[]>(
          'delete from sync_event where id in (select id from sync_event where at < ? limit ?) returning id',
          [before, PRUNE_ROWS],
        );
      total += deleted.length;
      if (deleted.length < PRUNE_ROWS) break;
    }
    return total;
  }

  /** Writes what is left (one try per batch) and stops the timers. */
  async close(): Promise<void> {
    await this.pruner?.stop();
    const left = this.pending.length;
    for (let i = 0; i < Math.ceil(left / this.maxBatch) && this.pending.length > 0; i++) await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function errorText(error: unknown): string | null {
  if (error === undefined || error === null) return null;
  const text = error instanceof Error ? error.message : String(error);
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS)}…` : text;
}
