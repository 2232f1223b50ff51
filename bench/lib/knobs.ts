// Every knob of `npm run bench`, from the environment, with defaults that finish the whole run in a few minutes on
// two cores. Everything listens on 127.0.0.1.

function num(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}, got '${raw}'`);
  return value;
}

export const STAGES = [
  'mutations',
  'relay',
  'outbound',
  'latency',
  'ingest',
  'fanout',
  'soak',
  'inbound',
  'backfill',
] as const;
export type StageName = (typeof STAGES)[number];

function stages(): StageName[] {
  const raw = process.env.BENCH_STAGES;
  if (!raw) return [...STAGES];
  const wanted = raw.split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_STAGES: unknown ${unknown.join(', ')}; known: ${STAGES.join(', ')}`);
  // The relay drains, and the workers sync, the backlog the mutations stage leaves.
  if (wanted.includes('relay') || wanted.includes('outbound')) wanted.push('mutations');
  if (wanted.includes('outbound')) wanted.push('relay');
  return STAGES.filter((s) => wanted.includes(s));
}

export function readKnobs() {
  return {
    /** Response time of every call to either emulator (ms), like a real provider's. */
    latencyMs: num('BENCH_LATENCY_MS', 30),
    /** createCustomer mutations timed against the plain-pg transaction; their sync is the outbound backlog. */
    // 3000: their 9150 outbox events make 18 relay batches of 500, enough for a rate over the inner ones.
    customers: num('BENCH_CUSTOMERS', 3000, 1),
    /** Concurrent GraphQL clients (and plain-pg connections) in the mutations stage. */
    concurrency: num('BENCH_CONCURRENCY', 10, 1),
    /** STRIPE_RATE_LIMIT_RPS / SALESFORCE_RATE_LIMIT_RPS of the worker (Stripe's live-mode limit is 100/s). */
    stripeRps: num('BENCH_STRIPE_RPS', 100, 1),
    salesforceRps: num('BENCH_SALESFORCE_RPS', 20, 1),
    /** Changes made one by one at BENCH_LATENCY_RATE per second for the change -> SYNCED latency. */
    latencyChanges: num('BENCH_LATENCY_CHANGES', 100, 1),
    latencyRate: num('BENCH_LATENCY_RATE', 10, 0.1),
    /** Signed webhook requests per run of the ingest stage, and how many are in flight. */
    webhooks: num('BENCH_WEBHOOKS', 3000, 1),
    webhookConcurrency: num('BENCH_WEBHOOK_CONCURRENCY', 20, 1),
    /** graphql-ws subscribers on the one API instance (the goal is 10,000). */
    subscribers: num('BENCH_SUBSCRIBERS', 10_000, 1),
    /** Seconds of steady load while RSS is sampled, and its rate of changes per second. */
    soakSeconds: num('BENCH_SOAK_S', 30, 3),
    soakRate: num('BENCH_SOAK_RATE', 20, 0.1),
    /** Signed Stripe events for the inbound comparison (half customer.created, half customer.updated). */
    events: num('BENCH_EVENTS', 1000, 2),
    /** Deliveries in flight for the inbound comparison (the same for both engines). */
    inboundConcurrency: num('BENCH_INBOUND_CONCURRENCY', 10, 1),
    /** Stripe customers for the backfill comparison. */
    backfillCustomers: num('BENCH_BACKFILL_CUSTOMERS', 500, 1),
    /** Hard deadline for the whole run (s): unfinished stages are reported as not measured. */
    timeoutS: num('BENCH_TIMEOUT_S', 600, 10),
    /** BENCH_CPU_PROF=1: our app processes run with --cpu-prof; the hottest functions are printed at the end. */
    cpuProf: process.env.BENCH_CPU_PROF === '1',
    stages: stages(),
  };
}

export type Knobs = ReturnType<typeof readKnobs>;
