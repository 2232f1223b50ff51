/**
 * Prometheus metrics: the only module that imports prom-client (lint enforces it). One `Metrics` per running app
 * (app.ts builds it and hands it to the workers, the providers and the HTTP server), each with its own Registry, so
 * several apps in one process (tests) never share or double-register series.
 *
 * Labels are low-cardinality on purpose: provider, catalog (entity type), direction, outcome, reason, consumer
 * group. Never a record id, an email or an error message.
 *
 * Gauges that cost a query (outbox backlog, consumer lag) are read when Prometheus scrapes, through `collect`
 * callbacks, and cached for `cacheMs`: a scrape storm costs one query per cache period, and a slow source is cut
 * off after `timeoutMs` (its series are then left out of that scrape rather than shown stale).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { ProviderMetrics } from '../core/provider.js';

export type Direction = 'outbound' | 'inbound';

/** One event handled by a worker, as the metrics see it (the log line carries the rest). */
export interface OutcomeSample {
  provider: string;
  catalog: string;
  direction: Direction;
  outcome: string;
  /** From the change (its event's createdAt) to now: observed for outcomes that end a sync (`synced`). */
  latencySeconds?: number;
}

/** Outcomes that schedule another attempt, and outcomes that put the event on the dead-letter topic. */
export const RETRY_OUTCOMES: ReadonlySet<string> = new Set(['retrying']);
export const DEAD_LETTER_OUTCOMES: ReadonlySet<string> = new Set(['dead_lettered', 'failed']);

export interface OutboxStats {
  /** Unpublished rows, counted up to OUTBOX_BACKLOG_CAP. */
  backlog: number;
  /** Age of the oldest unpublished row; 0 when there is none. */
  oldestAgeSeconds: number;
}

export interface ConsumerGroup {
  groupId: string;
  topics: readonly string[];
}

export interface ApiUsage {
  provider: string;
  used: number;
  limit: number;
}

export interface MetricsOptions {
  /** How long a scrape-time reading (outbox, lag) is reused. */
  cacheMs?: number;
  /** How long a scrape waits for one reading. */
  timeoutMs?: number;
  /** Node's process metrics (process_*, nodejs_*: memory, CPU, event loop lag, GC). */
  defaultMetrics?: boolean;
}

/** Counting more than this many unpublished outbox rows would make the scrape query itself expensive. */
export const OUTBOX_BACKLOG_CAP = 100_000;

/**
 * `load` at most once per `ttlMs` however often the result is asked for; concurrent callers share one call, and a
 * failure is remembered for the period too (a broker outage is not hammered by every scrape). Each call is cut off
 * after `timeoutMs`.
 */
export function cachedReading<T>(
  load: () => Promise<T>,
  ttlMs: number,
  timeoutMs: number,
  now: () => number = Date.now,
): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return last.value;
    const value = withTimeout(load(), timeoutMs);
    value.catch(() => undefined); // callers see the rejection; an unobserved one must not crash the process
    last = { at: now(), value };
    return value;
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  private readonly outcomes = new Counter({
    name: 'catalog_sync_outcomes_total',
    help: 'Events handled by the sync workers, by outcome (outbound: synced, superseded, already_synced, waiting, retrying, failed, dead_lettered; inbound: created, updated, deleted, linked, unchanged, skipped, duplicate, echo, retrying, dead_lettered)',
    labelNames: ['provider', 'catalog', 'direction', 'outcome'] as const,
    registers: [],
  });
  private readonly latency = new Histogram({
    name: 'catalog_sync_latency_seconds',
    help: 'Time from a local change (its event was created) until the record is SYNCED at the provider, retries included',
    labelNames: ['provider', 'catalog'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [],
  });
  private readonly retries = new Counter({
    name: 'catalog_sync_retries_total',
    help: 'Attempts that failed and were scheduled again (outbound: the retry topic; inbound: the re-fetch is delayed)',
    labelNames: ['provider', 'catalog', 'direction'] as const,
    registers: [],
  });
  private readonly deadLetters = new Counter({
    name: 'catalog_sync_dead_letters_total',
    help: 'Events put on the provider dead-letter topic (a refused write, retries exhausted, or an inbound change that cannot apply)',
    labelNames: ['provider', 'catalog', 'direction'] as const,
    registers: [],
  });
  private readonly webhookRejections = new Counter({
    name: 'catalog_sync_webhook_rejections_total',
    help: 'Webhook requests refused, by reason (signature, org_id, too_large, malformed)',
    labelNames: ['provider', 'reason'] as const,
    registers: [],
  });
  private readonly subscriptionDrops = new Counter({
    name: 'catalog_sync_subscription_events_dropped_total',
    help: 'Sync status changes a GraphQL subscriber lost because it fell more than 1000 events behind',
    registers: [],
  });
  private readonly apiRequests = new Counter({
    name: 'catalog_sync_provider_requests_total',
    help: 'Calls to a provider API, by outcome (ok, error)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [],
  });
  private readonly rateLimitWait = new Histogram({
    name: 'catalog_sync_rate_limit_wait_seconds',
    help: "Time a provider call waited for this process's rate limiter before it was sent",
    labelNames: ['provider'] as const,
    buckets: WAIT_BUCKETS,
    registers: [],
  });

  // Read when scraped, once a source is watched (so a process that has no such source shows no such series).
  private apiUsage: (() => readonly ApiUsage[]) | undefined;
  private readonly apiUsed: Gauge<'provider'> = new Gauge({
    name: 'catalog_sync_provider_api_requests_used',
    help: 'API requests used in the current period, as the provider last reported it (Salesforce: Sforce-Limit-Info, per 24 h)',
    labelNames: ['provider'] as const,
    registers: [],
    collect: () => this.collectApiUsage(this.apiUsed, 'used'),
  });
  private readonly apiLimit: Gauge<'provider'> = new Gauge({
    name: 'catalog_sync_provider_api_requests_limit',
    help: 'API requests allowed in the current period, as the provider last reported it',
    labelNames: ['provider'] as const,
    registers: [],
    collect: () => this.collectApiUsage(this.apiLimit, 'limit'),
  });
  private rateLimits: (() => ReadonlyArray<{ provider: string; perSecond: number }>) | undefined;
  private readonly rateLimit: Gauge<'provider'> = new Gauge({
    name: 'catalog_sync_rate_limit_per_second',
    help: "Provider calls per second this process may make: the account's limit divided among the processes calling it",
    labelNames: ['provider'] as const,
    registers: [],
    collect: () => {
      for (const r of this.rateLimits?.() ?? []) this.rateLimit.set({ provider: r.provider }, r.perSecond);
    },
  });
  private outbox: (() => Promise<OutboxStats>) | undefined;
  private readonly outboxBacklog: Gauge = new Gauge({
    name: 'catalog_sync_outbox_backlog',
    help: `Outbox events not yet published to Kafka (counted up to ${OUTBOX_BACKLOG_CAP})`,
    registers: [],
    collect: () => this.collectOutbox(this.outboxBacklog, 'backlog'),
  });
  private readonly outboxAge: Gauge = new Gauge({
    name: 'catalog_sync_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox event not yet published to Kafka (0 when none is waiting)',
    registers: [],
    collect: () => this.collectOutbox(this.outboxAge, 'oldestAgeSeconds'),
  });
  private lag: (() => Promise<Map<string, number>>) | undefined;
  private readonly consumerLag: Gauge<'group'> = new Gauge({
    name: 'catalog_sync_consumer_lag',
    help: "Messages not yet consumed by a consumer group of this process, over all its topics' partitions",
    labelNames: ['group'] as const,
    registers: [],
    collect: () => this.collectLag(),
  });

  constructor(options: MetricsOptions = {}) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    for (const m of [
      this.outcomes,
      this.latency,
      this.retries,
      this.deadLetters,
      this.webhookRejections,
      this.subscriptionDrops,
      this.apiRequests,
      this.rateLimitWait,
    ])
      this.registry.registerMetric(m);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, scrape-time gauges read (or taken from their cache) first. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The names of every metric registered so far. */
  names(): string[] {
    return this.registry.getMetricsAsArray().map((m) => m.name);
  }

  /** A GraphQL subscriber lost an event (its queue was full: a slow or stuck client). */
  subscriptionEventDropped(): void {
    this.subscriptionDrops.inc();
  }

  syncOutcome(s: OutcomeSample): void {
    const where = { provider: s.provider, catalog: s.catalog, direction: s.direction };
    this.outcomes.inc({ ...where, outcome: s.outcome });
    if (RETRY_OUTCOMES.has(s.outcome)) this.retries.inc(where);
    if (DEAD_LETTER_OUTCOMES.has(s.outcome)) this.deadLetters.inc(where);
    if (s.latencySeconds !== undefined && s.outcome === 'synced')
      this.latency.observe({ provider: s.provider, catalog: s.catalog }, Math.max(0, s.latencySeconds));
  }

  /** What one provider's plug-in reports (rate limiter waits, API calls, refused webhooks), labelled with its id. */
  forProvider(provider: string): ProviderMetrics {
    return {
      rateLimitWait: (seconds) => this.rateLimitWait.observe({ provider }, seconds),
      apiCall: (outcome) => this.apiRequests.inc({ provider, outcome }),
      webhookRejected: (reason) => this.webhookRejections.inc({ provider, reason }),
    };
  }

  /** Providers' self-reported API usage (cheap, in memory: read on every scrape). */
  watchApiUsage(read: () => readonly ApiUsage[]): void {
    this.apiUsage = read;
    this.register(this.apiUsed, this.apiLimit);
  }

  /** Each provider's rate limit as this process holds it (cheap, in memory). */
  watchRateLimits(read: () => ReadonlyArray<{ provider: string; perSecond: number }>): void {
    this.rateLimits = read;
    this.register(this.rateLimit);
  }

  /** The outbox backlog, read at most once per cache period. */
  watchOutbox(read: () => Promise<OutboxStats>): void {
    this.outbox = cachedReading(read, this.cacheMs, this.timeoutMs);
    this.register(this.outboxBacklog, this.outboxAge);
  }

  /** These consumer groups' lag, read from the broker at most once per cache period. */
  watchConsumerLag(
    groups: readonly ConsumerGroup[],
    lag: (groupId: string, topics: readonly string[]) => Promise<number>,
  ): void {
    if (groups.length === 0) return;
    this.lag = cachedReading(
      async () =>
        new Map(await Promise.all(groups.map(async (g) => [g.groupId, await lag(g.groupId, g.topics)] as const))),
      this.cacheMs,
      this.timeoutMs,
    );
    this.register(this.consumerLag);
  }

  private readonly watched = new Set<Metric<string>>();

  private register(...metrics: Array<Metric<string>>): void {
    for (const m of metrics) {
      if (this.watched.has(m)) continue;
      this.watched.add(m);
      this.registry.registerMetric(m);
    }
  }

  // The registry collects every metric at once: each gauge reads its own value (the reading itself is shared).

  private collectApiUsage(gauge: Gauge<'provider'>, field: 'used' | 'limit'): void {
    gauge.reset();
    for (const u of this.apiUsage?.() ?? []) gauge.set({ provider: u.provider }, u[field]);
  }

  private async collectOutbox(gauge: Gauge, field: keyof OutboxStats): Promise<void> {
    try {
      gauge.set((await this.outbox!())[field]);
    } catch {
      // Unknown: NaN says so (a labelless gauge cannot be left out); /readyz says why.
      gauge.set(Number.NaN);
    }
  }

  private async collectLag(): Promise<void> {
    this.consumerLag.reset();
    try {
      for (const [group, lag] of await this.lag!()) this.consumerLag.set({ group }, lag);
    } catch {
      // The broker did not answer in time: no series this scrape (absent() alerts can catch it).
    }
  }
}
