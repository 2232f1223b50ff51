import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { providerTopics } from '../../src/core/topics.js';
import { inboundMessage } from '../../src/providers/salesforce/inbound.js';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { salesforceEnv, startSalesforce } from '../support/salesforce.js';

const BURST = 450;
const COLLECTION = 200;

/**
 * Salesforce counts every API call against the org's daily allocation, whatever it carries, so a burst of changes
 * must go out in full sObject Collections calls (200 records), gathered from every partition the worker reads;
 * and a lone change must still go out at once.
 */
describe('Salesforce batches fill up under load', () => {
  let sf: SalesforceEmulator;
  let api: TestApp;
  let worker: TestApp | undefined;

  beforeAll(async () => {
    sf = await startSalesforce();
    // The api role only: the changes wait in the outbox until the worker process below starts (a burst).
    api = await startTestApp({ SYNC_PROVIDERS: 'SALESFORCE', ...salesforceEnv(sf) }, 'api');
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await sf?.close();
  });

  const collectionWrites = () =>
    sf.requestLog().filter((e) => e.method !== 'GET' && /\/composite\/sobjects/.test(e.path)).length;
  const synced = async () => {
    const res = await api.gql<{ customers: { edges: Array<{ node: { syncStatus: Array<{ state: string }> } }> } }>(
      `{ customers(first: 100) { edges { node { syncStatus { state } } } } }`,
    );
    return res.data!.customers.edges.every((e) => e.node.syncStatus.every((s) => s.state === 'SYNCED'));
  };

  it(`writes a burst of ${BURST} new customers in about ${Math.ceil(BURST / COLLECTION)} calls`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < BURST; i += 15) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(15, BURST - i) }, (_, j) =>
          api.gql<{ createCustomer: { id: string } }>(
            `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`,
            { i: { name: `Burst ${i + j}`, email: `burst${i + j}@example.com` } },
          ),
        ),
      );
      ids.push(...batch.map((r) => r.data!.createCustomer.id));
    }
    expect(ids).toHaveLength(BURST);
    // A provider answering in 30 ms, like a real one: writes arriving meanwhile gather for the next call.
    sf.injectFaults({ latencyMs: 30, count: 10_000, path: '/composite/sobjects' });
    const before = collectionWrites();
    worker = await startTestApp(
      { DATABASE_URL: api.config.DATABASE_URL, SYNC_PROVIDERS: 'SALESFORCE', ...salesforceEnv(sf) },
      'all',
    );
    await expectEventually(async () => sf.contacts().length === BURST, { timeoutMs: 60_000 });
    const calls = collectionWrites() - before;
    // Full batches, plus at most a partial one at the start (the worker's first fetch) and one at the end.
    expect(calls).toBeLessThanOrEqual(Math.ceil(BURST / COLLECTION) + 2);
    await expectEventually(synced);
    sf.clearFaults();
  });

  it(`re-reads a burst of ${BURST} polled changes in a few queries, not one per record`, async () => {
    // What the poller sends when it finds our own writes (getUpdated gives ids only, so each must be read again).
    const contacts = sf.contacts();
    expect(contacts.length).toBeGreaterThanOrEqual(BURST);
    const queries = () => sf.requestLog().filter((e) => e.method === 'GET' && /\/query(All)?\/?$/.test(e.path)).length;
    const before = queries();
    const window = `burst-${Date.now()}`;
    await api.app.kafka.publish(
      contacts.map((c) => ({
        topic: providerTopics('SALESFORCE').inbound,
        key: c.Id,
        value: JSON.stringify(
          inboundMessage({ source: 'poll', eventId: `poll:${c.Id}:${window}`, sObjectType: 'Contact', recordId: c.Id }),
        ),
      })),
    );
    const handled = async () => {
      const [row] = await api.app.orm.em
        .fork()
        .execute<{ n: string }[]>(`select count(*) as n from sync_event where event_id like ?`, [`%:${window}`]);
      return Number(row!.n) === contacts.length;
    };
    await expectEventually(handled, { timeoutMs: 60_000 });
    // Chunks of up to 50 per partition (as Kafka hands them over), gathered while a query is out: 9 to 13 queries
    // in runs here; one per record before (459). At least 20 records a query on average.
    expect(queries() - before).toBeLessThanOrEqual(Math.ceil(contacts.length / 20));
    // Each was read right: our own writes, found unchanged; nothing taken for deleted.
    const outcomes = await api.app.orm.em
      .fork()
      .execute<{ outcome: string; n: string }[]>(
        `select outcome, count(*) as n from sync_event where event_id like ? group by outcome`,
        [`%:${window}`],
      );
    expect(outcomes.map((o) => [o.outcome, Number(o.n)])).toEqual([['unchanged', contacts.length]]);
    const [live] = await api.app.orm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from customer where deleted_at is null`);
    expect(Number(live!.n)).toBe(contacts.length);
    await expectEventually(synced);
  });

  it('writes a lone change at once, in its own call', async () => {
    const before = collectionWrites();
    const res = await api.gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: { name: "Alone", email: "alone@example.com" }) { id } }`,
    );
    expect(res.errors).toBeUndefined();
    await expectEventually(() => sf.contacts().some((c) => c.Email === 'alone@example.com'));
    expect(collectionWrites() - before).toBe(1);
  });
});
