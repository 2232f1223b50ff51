/**
 * `npm run bench`: end-to-end throughput and latency on this machine, against real PostgreSQL and Kafka and the
 * provider emulators (all on 127.0.0.1). Bounded: BENCH_CUSTOMERS customers (default 300), BENCH_CONCURRENCY
 * concurrent clients (default 10), and a hard deadline of BENCH_TIMEOUT_MS (default 120 s).
 *
 * Prints: createCustomer latency (p50/p95/p99), mutations per second, time until every event is on Kafka, time
 * until every customer is SYNCED in Stripe and in Salesforce, and the process's peak RSS. Then BENCH_INVOICES
 * invoices (default 100, one per customer) are created and finalized: time until all are SYNCED (numbered by
 * Stripe, the number carried on to Salesforce) and provider calls per invoice.
 */
import 'reflect-metadata';
import { startSalesforceEmulator } from '../emulators/salesforce/index.js';
import { startStripeEmulator } from '../emulators/stripe/index.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/logger.js';
import { KafkaBroker, startPostgres } from '../scripts/lib/services.mjs';

const N = Number(process.env.BENCH_CUSTOMERS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const INVOICES = Math.min(N, Number(process.env.BENCH_INVOICES ?? 100));
const DEADLINE = Date.now() + Number(process.env.BENCH_TIMEOUT_MS ?? 120_000);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

async function until(what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() > DEADLINE) throw new Error(`bench deadline passed waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

const pg = await startPostgres();
const kafka = await KafkaBroker.create();
const stripe = await startStripeEmulator({
  apiKey: 'sk_test_bench',
  webhookSecret: 'whsec_bench',
  // Stripe's retry schedule in milliseconds, not minutes: a refused delivery must not stall the measurement.
  webhookRetry: { initialBackoffMs: 100, maxBackoffMs: 1_000 },
});
const sf = await startSalesforceEmulator({ clientId: 'bench', clientSecret: 'bench-secret' });
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: 'error',
  DATABASE_URL: pg.url,
  KAFKA_BROKERS: kafka.brokers,
  PORT: '0',
  STRIPE_SECRET_KEY: 'sk_test_bench',
  STRIPE_WEBHOOK_SECRET: 'whsec_bench',
  STRIPE_API_BASE: stripe.url,
  // The emulator is not rate limited; measure our pipeline, not Stripe's test-mode quota.
  STRIPE_RATE_LIMIT_RPS: '1000',
  SALESFORCE_LOGIN_URL: sf.url,
  SALESFORCE_CLIENT_ID: 'bench',
  SALESFORCE_CLIENT_SECRET: 'bench-secret',
  SALESFORCE_ORG_ID: sf.orgId,
  SALESFORCE_RATE_LIMIT_RPS: '1000',
});
const app = await startApp(config, 'all', createLogger('error'));
stripe.setWebhookUrl(`${app.http!.url}/webhooks/stripe`);
sf.setOutboundMessageUrl(`${app.http!.url}/webhooks/salesforce`);

try {
  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${app.http!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (!res.ok || body.errors) throw new Error(`GraphQL failed: ${res.status} ${JSON.stringify(body.errors)}`);
    return body.data!;
  };
  /** Runs `task(i)` for i in [0, n) on CONCURRENCY clients; returns each call's latency. */
  const clients = async (n: number, task: (i: number) => Promise<unknown>) => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n && Date.now() < DEADLINE) {
          const i = next++;
          const t0 = performance.now();
          await task(i);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    return latencies;
  };
  const customerIds: string[] = [];
  const started = Date.now();
  const latencies = await clients(N, async (i) => {
    const data = await gql<{ createCustomer: { id: string } }>(
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }',
      { i: { name: `Bench Customer ${i}`, email: `bench${i}@example.com` } },
    );
    customerIds[i] = data.createCustomer.id;
  });
  const mutateMs = Date.now() - started;
  const db = app.orm.em.fork();
  const count = async (sql: string) => Number((await db.execute<{ n: string }[]>(sql))[0]!.n);
  const publishedMs = await until(
    'the outbox to drain',
    async () => (await count('select count(*) as n from outbox_event where published_at is null')) === 0,
  );
  const synced = (p: string, type = 'CUSTOMER') =>
    `select count(*) as n from sync_state where provider = '${p}' and entity_type = '${type}' and state = 'SYNCED'`;
  const stripeMs = await until('Stripe sync', async () => (await count(synced('STRIPE'))) >= N);
  const sfMs = await until('Salesforce sync', async () => (await count(synced('SALESFORCE'))) >= N);
  const total = Date.now() - started;
  const customerCalls = { stripe: stripe.requestLog().length, salesforce: sf.requestLog().length };

  // Invoices: create and finalize one per customer; done when both providers hold the numbered invoice.
  const invoicesStarted = Date.now();
  await clients(INVOICES, async (i) => {
    const { createInvoice } = await gql<{ createInvoice: { id: string } }>(
      'mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }',
      { i: { customerId: customerIds[i], amountCents: 1000 + i, currency: 'USD', description: `Bench ${i}` } },
    );
    await gql('mutation($id: ID!) { finalizeInvoice(id: $id) { id } }', { id: createInvoice.id });
  });
  const numberedAndSynced = `select count(*) as n from invoice i where i.number is not null and not exists (
      select 1 from sync_state s where s.entity_type = 'INVOICE' and s.entity_id = i.id
        and (s.state <> 'SYNCED' or s.target_version <> i.version))`;
  await until('invoice sync', async () => (await count(numberedAndSynced)) >= INVOICES);
  const invoicesMs = Date.now() - invoicesStarted;
  const invoiceCalls = {
    stripe: stripe.requestLog().length - customerCalls.stripe,
    salesforce: sf.requestLog().length - customerCalls.salesforce,
  };
  console.log(
    JSON.stringify(
      {
        customers: N,
        concurrency: CONCURRENCY,
        createCustomerMs: {
          p50: +pct(latencies, 50).toFixed(1),
          p95: +pct(latencies, 95).toFixed(1),
          p99: +pct(latencies, 99).toFixed(1),
        },
        mutationsPerSecond: +((N / mutateMs) * 1000).toFixed(1),
        outboxDrainedAfterMutationsMs: publishedMs,
        allSyncedToStripeMs: mutateMs + publishedMs + stripeMs,
        allSyncedToSalesforceMs: mutateMs + publishedMs + stripeMs + sfMs,
        endToEndCustomersPerSecond: +((N / total) * 1000).toFixed(1),
        stripeApiCalls: customerCalls.stripe,
        salesforceApiCalls: customerCalls.salesforce,
        invoices: INVOICES,
        invoicesCreatedFinalizedAndSyncedMs: invoicesMs,
        endToEndInvoicesPerSecond: +((INVOICES / invoicesMs) * 1000).toFixed(1),
        stripeCallsPerInvoice: +(invoiceCalls.stripe / INVOICES).toFixed(2),
        salesforceCallsPerInvoice: +(invoiceCalls.salesforce / INVOICES).toFixed(2),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  await app.stop();
  await stripe.close();
  await sf.close();
  await kafka.destroy();
  await pg.stop();
}
