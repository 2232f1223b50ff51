import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Stripe from 'stripe';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe/index.js';
import { freePort, KafkaBroker, startPostgres } from '../../scripts/lib/services.mjs';
import { AppProcess } from '../support/app-process.js';
import { expectEventually } from '../support/eventually.js';
import { createKafkaTransport } from '../../src/platform/kafka.js';
import { testLogger } from '../support/harness.js';
import { MutationDriver } from '../support/mutation-driver.js';
import { ProviderPeople } from '../support/provider-people.js';
import { FAST_SALESFORCE, SF_ORG_ID } from '../support/salesforce.js';
import { FAST_STRIPE_WEBHOOKS } from '../support/stripe.js';

/**
 * The fault suite: while clients keep changing customers and invoices (and people make customers in Stripe and
 * Salesforce), the app is killed (SIGKILL) and restarted,
 * the Kafka broker is killed and restarted, and PostgreSQL is stopped and started again. Afterwards every
 * acknowledged change is in the catalog, and Stripe and Salesforce hold exactly one twin of every record, with
 * the same data: nothing lost, nothing duplicated, nothing left FAILED. Everything runs on 127.0.0.1 and each fault
 * is bounded; `npm run test:faults` repeats the rounds (FAULT_ROUNDS, default 3 there, 1 in `npm test`).
 */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1);

describe('faults: app, broker and database die mid-stream', () => {
  let postgres: Awaited<ReturnType<typeof startPostgres>>;
  let broker: KafkaBroker;
  let stripe: StripeEmulator;
  let sf: SalesforceEmulator;
  let app: AppProcess;
  let db: pg.Pool;
  let logFile: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    broker = await KafkaBroker.create();
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    stripe = await startStripeEmulator({
      ...FAST_STRIPE_WEBHOOKS,
      apiKey: 'sk_test_faults',
      webhookSecret: 'whsec_faults',
      webhookUrl: `${appUrl}/webhooks/stripe`,
    });
    sf = await startSalesforceEmulator({
      ...FAST_SALESFORCE,
      orgId: SF_ORG_ID,
      clientId: 'faults',
      clientSecret: 'faults-secret',
      outboundMessageUrl: `${appUrl}/webhooks/salesforce`,
    });
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-sync-faults-')), 'app.log');
    app = new AppProcess(
      {
        DATABASE_URL: postgres.url,
        KAFKA_BROKERS: broker.brokers,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        OUTBOX_POLL_INTERVAL_MS: '50',
        // A killed process's consumers hold their partitions until their session ends.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        // Outages must be retried through, never dead-lettered.
        SYNC_RETRY_BASE_MS: '100',
        SYNC_RETRY_MAX_MS: '1000',
        SYNC_MAX_ATTEMPTS: '100',
        STRIPE_SECRET_KEY: 'sk_test_faults',
        STRIPE_WEBHOOK_SECRET: 'whsec_faults',
        STRIPE_API_BASE: stripe.url,
        STRIPE_RATE_LIMIT_RPS: '500',
        SALESFORCE_LOGIN_URL: sf.url,
        SALESFORCE_CLIENT_ID: 'faults',
        SALESFORCE_CLIENT_SECRET: 'faults-secret',
        SALESFORCE_ORG_ID: SF_ORG_ID,
        SALESFORCE_POLL_INTERVAL_MS: '1000',
        SALESFORCE_RATE_LIMIT_RPS: '500',
      },
      logFile,
    );
    await app.start();
    await app.ready();
    db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await db?.end();
    await stripe?.close();
    await sf?.close();
    await broker?.destroy();
    await postgres?.stop();
  }, 60_000);

  /** Lets the clients make changes until `n` more have been acknowledged. */
  const acknowledged = (driver: MutationDriver, n: number) =>
    driver.acknowledge(n, (done) => expectEventually(done, { timeoutMs: 60_000, intervalMs: 50 }));

  it('loses no acknowledged change and duplicates nothing at either provider', async () => {
    const driver = new MutationDriver(app.url);
    // People in Stripe's dashboard and Salesforce's UI make customers too: inbound changes meet the same faults.
    const people = new ProviderPeople(
      new Stripe('sk_test_faults', { host: '127.0.0.1', port: stripe.port, protocol: 'http', telemetry: false }),
      sf,
    );
    const timings: string[] = [];
    let last = Date.now();
    const phase = async (name: string, step: () => Promise<unknown>) => {
      await step();
      timings.push(`${name} ${Date.now() - last} ms`);
      last = Date.now();
    };
    driver.start();
    people.start();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await phase('changes', () => acknowledged(driver, 5));
        // The app dies (no shutdown hook runs) and comes back on the same port.
        await phase('app killed and restarted', async () => {
          await app.kill();
          await app.start();
        });
        await phase('changes', () => acknowledged(driver, 5));
        // The broker dies: the outbox keeps the changes until it is back.
        await phase('broker killed', () => broker.kill());
        await phase('changes', () => acknowledged(driver, 3));
        await phase('broker restarted', () => broker.start());
        await phase('changes', () => acknowledged(driver, 5));
        // PostgreSQL goes away under the running app: mutations are refused (503), nothing half-written.
        const refused = driver.acked.unanswered;
        await phase('database stopped', async () => {
          await postgres.halt();
          await expectEventually(() => driver.acked.unanswered > refused);
        });
        await phase('database restarted', () => postgres.resume());
        await phase('changes', () => acknowledged(driver, 5));
      }
    } finally {
      await driver.stop();
      await people.stop();
    }
    await phase('ready', () => app.ready());

    // Quiescence: nothing left in the outbox, every consumer group has read everything (read-backs and rechecks
    // included), and every record's sync state at both providers is SYNCED at its current version.
    const query = async <R extends pg.QueryResultRow>(sql: string) => (await db.query<R>(sql)).rows;
    const kafka = createKafkaTransport({ brokers: [broker.brokers], clientId: 'faults-test', logger: testLogger });
    const groups: Array<[string, string[]]> = ['stripe', 'salesforce'].flatMap((p) => [
      [`catalog-sync-outbound-${p}`, ['catalog.customer', 'catalog.invoice']],
      [`catalog-sync-retry-${p}`, [`retry.${p}`]],
      [`catalog-sync-inbound-${p}`, [`inbound.${p}`]],
    ]);
    try {
      await expectEventually(
        async () => {
          const [unpublished] = await query<{ n: string }>(
            'select count(*) as n from outbox_event where published_at is null',
          );
          expect(Number(unpublished!.n)).toBe(0);
          for (const [group, topics] of groups) expect([group, await kafka.lag(group, topics)]).toEqual([group, 0]);
          const [open] = await query<{ n: string }>(
            `select count(*) as n from sync_state s where s.state <> 'SYNCED' or s.target_version <>
               coalesce((select version from customer c where c.id = s.entity_id),
                        (select version from invoice i where i.id = s.entity_id))`,
          );
          expect(Number(open!.n)).toBe(0);
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
    } finally {
      await kafka.close();
    }
    timings.push(`settled ${Date.now() - last} ms`);
    console.log(
      `faults: ${ROUNDS} round(s); ${driver.acked.customers.size} customers and ${driver.acked.invoices.size} invoices ` +
        `acknowledged, ${people.made.size} customers made at the providers, ${driver.acked.unanswered} requests unanswered\n  ${timings.join('\n  ')}`,
    );

    const customers = await query<{ id: string; name: string; email: string }>(
      'select id, name, email from customer where deleted_at is null',
    );
    const invoices = await query<{ id: string; amount_cents: number; status: string; number: string | null }>(
      'select id, amount_cents, status, number from invoice where deleted_at is null',
    );
    const local = new Map(customers.map((c) => [c.id, c]));
    // Whose twin each provider record is: the id it carries, or (made at the provider, our id not written back
    // yet: that happens lazily, with the record's next write from us) the mapping that links it.
    const links = await query<{ provider: string; external_id: string; entity_id: string }>(
      'select provider, external_id, entity_id from external_mapping where external_id is not null',
    );
    const linked = new Map(links.map((m) => [`${m.provider}:${m.external_id}`, m.entity_id]));
    const ours = (provider: string, id: string, carried: unknown) =>
      (typeof carried === 'string' && carried) || linked.get(`${provider}:${id}`);
    // Every acknowledged change is there (an unacknowledged later one may have landed too, never an older one).
    for (const [id, acked] of driver.acked.customers) {
      const row = local.get(id);
      expect(row).toMatchObject({ email: acked.email });
      if (acked.name.endsWith('renamed')) expect(row!.name).toBe(acked.name);
    }
    // What people made at the providers is here exactly once, with their last change.
    for (const [email, name] of people.made) {
      expect(customers.filter((c) => c.email === email).map((c) => c.name)).toEqual([name]);
    }
    const localInvoices = new Map(invoices.map((i) => [i.id, i]));
    for (const [id, acked] of driver.acked.invoices) {
      expect(localInvoices.get(id)).toMatchObject({ amount_cents: acked.amountCents });
      if (acked.finalized) expect(localInvoices.get(id)!.status).toBe('open');
    }
    expect(driver.acked.customers.size).toBeGreaterThanOrEqual(20 * ROUNDS);

    // Exactly one twin per record at each provider, with the catalog's data, and nothing else there.
    const atStripe = stripe.customers();
    const stripeTwin = (c: (typeof atStripe)[number]) => ours('STRIPE', c.id, c.metadata.internal_id);
    expect(atStripe.map(stripeTwin).sort()).toEqual([...local.keys()].sort());
    for (const c of atStripe) expect(c).toMatchObject({ name: local.get(stripeTwin(c)!)!.name });
    const contacts = sf.contacts();
    const contactTwin = (c: (typeof contacts)[number]) => ours('SALESFORCE', c.Id, c.Catalog_Sync_Id__c);
    expect(contacts.map(contactTwin).sort()).toEqual([...local.keys()].sort());
    for (const c of contacts) {
      const row = local.get(contactTwin(c)!)!;
      expect([c.FirstName, c.LastName].filter(Boolean).join(' ')).toBe(row.name);
      expect(c.Email).toBe(row.email);
    }
    const stripeInvoices = stripe.invoices();
    const stripeInvoiceTwin = (i: (typeof stripeInvoices)[number]) => ours('STRIPE', i.id!, i.metadata.internal_id);
    expect(stripeInvoices.map(stripeInvoiceTwin).sort()).toEqual([...localInvoices.keys()].sort());
    for (const i of stripeInvoices) {
      const row = localInvoices.get(stripeInvoiceTwin(i)!)!;
      expect({ total: i.total, status: i.status, number: i.number }).toEqual({
        total: row.amount_cents,
        status: row.status,
        number: row.number,
      });
    }
    const sfInvoices = sf.invoices();
    const sfInvoiceTwin = (i: (typeof sfInvoices)[number]) => ours('SALESFORCE', i.Id, i.Catalog_Sync_Id__c);
    expect(sfInvoices.map(sfInvoiceTwin).sort()).toEqual([...localInvoices.keys()].sort());
    for (const i of sfInvoices) {
      const row = localInvoices.get(sfInvoiceTwin(i)!)!;
      expect([i.Amount__c, i.Status__c]).toEqual([
        row.amount_cents / 100,
        row.status[0]!.toUpperCase() + row.status.slice(1),
      ]);
    }
  }, 600_000);
});
