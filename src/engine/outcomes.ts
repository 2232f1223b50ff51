import type { Logger } from '../core/logger.js';
import type { Direction, Metrics } from '../platform/metrics.js';

/**
 * How one event handled by a worker ended: one log line, one count and one sync history row each (README,
 * "Metrics and logs").
 */
export interface SyncOutcome {
  /** The event's id: the correlation id of every line about it (outbox event id, or the provider's event id). */
  correlationId: string;
  direction: Direction;
  entityType: string;
  /** Our record id, when known. */
  entityId?: string | undefined;
  /** The provider's record id, when known. */
  externalId?: string | null | undefined;
  outcome: string;
  attempt?: number;
  /** When the worker started on it (ms since epoch): `durationMs`. */
  startedAt: number;
  /** When the change was made (its event's createdAt): `latencyMs`, and the latency histogram for `synced`. */
  changedAt?: string | undefined;
  /** The provider's id of the request that decided it (Stripe's Request-Id), when it gives one. */
  providerRequestId?: string | undefined;
  /** Why, for outcomes that have a reason (a short engine text, never record data). */
  reason?: string | undefined;
  error?: unknown;
  level?: 'info' | 'warn' | 'error';
}

/** Where outcomes are kept besides the log and the metrics (the sync history, `SyncHistory`). */
export interface OutcomeSink {
  add(provider: string, outcome: SyncOutcome, at: Date, durationMs: number): void;
}

/**
 * Reports outcomes: the line carries ids, the outcome, the attempt and timings, never record fields (names and
 * emails stay out; the logger masks any email an error message carries).
 */
export class OutcomeReporter {
  constructor(
    private readonly provider: string,
    private readonly log: Logger,
    private readonly metrics: Metrics | undefined,
    private readonly history?: OutcomeSink | undefined,
  ) {}

  report(o: SyncOutcome): void {
    const now = Date.now();
    const changed = o.changedAt ? Date.parse(o.changedAt) : Number.NaN;
    const latencyMs = Number.isNaN(changed) ? undefined : Math.max(0, now - changed);
    this.metrics?.syncOutcome({
      provider: this.provider,
      catalog: o.entityType,
      direction: o.direction,
      outcome: o.outcome,
      ...(latencyMs === undefined ? {} : { latencySeconds: latencyMs / 1000 }),
    });
    this.history?.add(this.provider, o, new Date(now), now - o.startedAt);
    this.log[o.level ?? 'info']('sync outcome', {
      correlationId: o.correlationId,
      direction: o.direction,
      entityType: o.entityType,
      entityId: o.entityId,
      externalId: o.externalId ?? undefined,
      outcome: o.outcome,
      attempt: o.attempt,
      durationMs: now - o.startedAt,
      latencyMs,
      reason: o.reason,
      providerRequestId: o.providerRequestId,
      error: o.error,
    });
  }

  /** Several outcomes, once the transaction that decided them has committed. */
  reportAll(outcomes: readonly SyncOutcome[]): void {
    for (const o of outcomes) this.report(o);
  }
}
