import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { signatureHeader, type StripeEmulator } from '../../emulators/stripe/index.js';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import type { InboundWorker } from '../../src/engine/inbound-worker.js';
import { providerTopics } from '../../src/core/topics.js';
import { createKafkaTransport } from '../../src/platform/kafka.js';
import { expectEventually, present } from '../support/eventually.js';
import { testLogger, type TestApp } from '../support/harness.js';
import { customersApi } from '../support/customers-api.js';
import { STRIPE_WEBHOOK_SECRET, startAppWithBothProviders } from '../support/stripe.js';

/**
 * A chunk of inbound events is settled together where it can be (engine/inbound-batch.ts: new records and echoes)
 * and record by record where it cannot. Both ways must give what the record-by-record path alone gave, with one
 * provider read per new record.
 */
/** The partition of inbound.stripe each of these Stripe records' webhook messages went to (keyed by their id). */
async function partitionsOf(ids: readonly string[]): Promise<Map<string, number>> {
  const kafka = createKafkaTransport({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'test-partitions',
    logger: testLogger,
  });
  const found = new Map<string, number>();
  const wanted = new Set(ids);
  const sub = await kafka.subscribe({
    groupId: `test-${randomUUID()}`,
    topics: [providerTopics('STRIPE').inbound],
    fromBeginning: true,
    async handle(m) {
      if (m.key && wanted.has(m.key)) found.set(m.key, m.partition);
    },
  });
  try {
    await expectEventually(() => expect(found.size).toBe(wanted.size));
    return found;
  } finally {
    await sub.stop();
    await kafka.close();
  }
}

describe('inbound chunks', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let sf: SalesforceEmulator;
  let dashboard: Stripe;
  let worker: InboundWorker;

  beforeAll(async () => {
    ({ t, emu, dashboard, sf } = await startAppWithBothProviders());
    worker = present(
      t.app.inbound.find((w) => w.consumerGroups()[0].groupId.endsWith('stripe')),
      'the Stripe inbound worker',
    );
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
    await sf?.close();
  });

  it('creates new records and merges changes together, and leaves twins and failed reads to each record', async () => {
    const customers = customersApi(t);
    const linked = await customers.create('Linked Before', 'chunk.linked@example.com');
    const atStripe = await customers.synced(linked.id, 'STRIPE', linked.version);
    const stripeId = present(atStripe.externalId, 'its Stripe id');
    await customers.synced(linked.id, 'SALESFORCE', linked.version);
    // Made while Stripe sync was off here: a Stripe customer with its email is linked to it, not created again.
    const local = await new CatalogChanges([]).create(t.app.orm.em.fork(), customerCatalog, {
      name: 'Local Twin',
      email: 'chunk.twin@example.com',
    });

    await worker.stop();
    const outcomes: Array<{ externalId: string; outcome: string }> = [];
    worker.onOutcome = (change, outcome) => outcomes.push({ externalId: change.externalId, outcome });
    const fresh: Stripe.Customer[] = [];
    for (let i = 0; i < 30; i++)
      fresh.push(await dashboard.customers.create({ name: `Chunk ${i}`, email: `chunk.${i}@example.com` }));
    const unreadable = await dashboard.customers.create({ name: 'Read Fails', email: 'chunk.fails@example.com' });
    const twin = await dashboard.customers.create({ name: 'Twin at Stripe', email: 'chunk.twin@example.com' });
    await dashboard.customers.update(stripeId, { name: 'Linked Renamed' });
    await expectEventually(() => expect(emu.pendingWebhooks()).toEqual([]));
    const logged = emu.requestLog().length;
    // The first read of this one fails (Stripe 500): it waits and is read again, record by record.
    emu.injectFaults({ count: 1, method: 'GET', path: `/v1/customers/${unreadable.id}$`, status: 500 });
    await worker.start();

    for (const c of [...fresh, unreadable]) {
      const [here] = await expectEventually(async () => {
        const found = await customers.byEmail(c.email!);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(here!.name).toBe(c.name);
      await customers.synced(here!.id, 'SALESFORCE', here!.version);
    }
    await expectEventually(async () => expect((await customers.get(linked.id)).name).toBe('Linked Renamed'));
    const twinHere = await expectEventually(async () => {
      const found = await customers.byEmail('chunk.twin@example.com');
      expect(found.map((c) => c.id)).toEqual([local.id]);
      const status = present(
        found[0]!.syncStatus.find((s) => s.provider === 'STRIPE'),
        'Stripe status',
      );
      expect(status.externalId).toBe(twin.id);
      return found[0]!;
    });
    expect(twinHere.name).toBe('Local Twin'); // the catalog keeps its data when it links

    const byRecord = (id: string) => outcomes.filter((o) => o.externalId === id).map((o) => o.outcome);
    for (const c of fresh) expect(byRecord(c.id)).toEqual(['created']);
    expect(byRecord(unreadable.id)).toEqual(['created']);
    // Then our data goes to Stripe (the catalog keeps its own when it links): its echo may follow.
    expect(byRecord(twin.id)[0]).toBe('linked');
    // (The echo of our create may come late, in the same chunk.)
    expect(byRecord(stripeId).filter((o) => o !== 'echo')).toEqual(['updated']);
    // One read per new or changed record. Read twice: the one whose read failed, and the twin (read together
    // first, then judged on its own).
    const reads = emu
      .requestLog()
      .slice(logged)
      .filter((r) => r.method === 'GET' && /^\/v1\/customers\/cus_/.test(r.path));
    const readsOf = (id: string) => reads.filter((r) => r.path === `/v1/customers/${id}`).length;
    for (const c of fresh) expect(readsOf(c.id)).toBe(1);
    expect(readsOf(unreadable.id)).toBe(2);
    expect(readsOf(twin.id)).toBe(2);
    expect(readsOf(stripeId)).toBe(1);
  });

  it('a provider read that hangs does not hold up the rest of its chunk', async () => {
    const customers = customersApi(t);
    await worker.stop();
    const slow = await dashboard.customers.create({ name: 'Slow Read', email: 'chunk.slow@example.com' });
    // Others in the same chunk as the slow one: on its partition of inbound.stripe (made until a few are).
    const others: Stripe.Customer[] = [];
    let samePartition = 0;
    for (let round = 0; samePartition < 2 && round < 5; round++) {
      const made: Stripe.Customer[] = [];
      for (let i = 0; i < 6; i++) {
        const n = others.length + i;
        made.push(await dashboard.customers.create({ name: `Beside ${n}`, email: `chunk.beside.${n}@example.com` }));
      }
      await expectEventually(() => expect(emu.pendingWebhooks()).toEqual([]));
      const partition = await partitionsOf([slow.id, ...made.map((c) => c.id)]);
      samePartition += made.filter((c) => partition.get(c.id) === partition.get(slow.id)).length;
      others.push(...made);
    }
    expect(samePartition).toBeGreaterThanOrEqual(2);
    const logged = emu.requestLog().length;
    emu.injectFaults({ count: 1, method: 'GET', path: `/v1/customers/${slow.id}$`, hold: 'slow-read' });
    await worker.start();
    await expectEventually(() => expect(emu.held().map((h) => h.hold)).toContain('slow-read'));
    // While that read hangs, the others of the chunk are applied: well before our Stripe client gives up on it
    // (10 s), which is when waiting for every read of the chunk would let them through.
    const heldSince = Date.now();
    for (const c of others)
      await expectEventually(async () => expect(await customers.byEmail(c.email!)).toHaveLength(1), {
        timeoutMs: Math.max(1, 8_000 - (Date.now() - heldSince)),
      });
    expect(await customers.byEmail(slow.email!)).toEqual([]);
    emu.release('slow-read');
    await expectEventually(async () => expect(await customers.byEmail(slow.email!)).toHaveLength(1));
    // The held read, then the record-by-record path's own (under its locks, after the wait).
    const reads = emu
      .requestLog()
      .slice(logged)
      .filter((r) => r.method === 'GET' && r.path === `/v1/customers/${slow.id}`);
    expect(reads).toHaveLength(2);
  });

  it('a Stripe change to a customer whose update we are writing waits for our write, then both changes win', async () => {
    const customers = customersApi(t);
    const c = await customers.create('Held Name', 'chunk.held@example.com');
    const stripeId = present((await customers.synced(c.id, 'STRIPE', c.version)).externalId, 'its Stripe id');
    await customers.synced(c.id, 'SALESFORCE', c.version);
    // Our rename is applied at Stripe, its reply held: the outbound worker holds the record's sync state meanwhile.
    emu.injectFaults({ count: 1, method: 'POST', path: `/v1/customers/${stripeId}$`, hold: 'rename' });
    const renamed = await t.gql(
      `mutation($id: ID!) { updateCustomer(id: $id, input: { name: "Renamed Here" }) { id } }`,
      {
        id: c.id,
      },
    );
    expect(renamed.errors).toBeUndefined();
    await expectEventually(() => expect(emu.held().map((h) => h.hold)).toContain('rename'));
    const outcomes: string[] = [];
    worker.onOutcome = (change, outcome) => {
      if (change.externalId === stripeId) outcomes.push(outcome);
    };
    // A person changes the email at Stripe during the hold; its event (announcing our rename too) comes in now.
    await dashboard.customers.update(stripeId, { email: 'chunk.held.new@example.com' });
    // Its chunk waits for our write: blocked on the record's sync state, which the write holds until its reply.
    await expectEventually(async () => {
      const [waiting] = await t.app.orm.em.fork().execute<{ n: string }[]>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like '%"sync_state"%for update%'`,
      );
      expect(Number(waiting!.n)).toBe(1);
    });
    expect(outcomes).not.toContain('updated'); // (the echo of our rename is dropped without waiting)
    emu.release('rename');
    await expectEventually(() => expect(outcomes).toContain('updated'));
    const settled = await expectEventually(async () => {
      const now = await customers.get(c.id);
      expect(now).toMatchObject({ name: 'Renamed Here', email: 'chunk.held.new@example.com' });
      await customers.synced(c.id, 'SALESFORCE', now.version);
      expect(await customers.status(c.id, 'STRIPE')).toMatchObject({ state: 'SYNCED', targetVersion: now.version });
      return now;
    });
    expect(settled.version).toBe(3);
    expect(await dashboard.customers.retrieve(stripeId)).toMatchObject({
      name: 'Renamed Here',
      email: 'chunk.held.new@example.com',
    });
  });

  it('settles a chunk of repeats as duplicates without applying anything', async () => {
    const customers = customersApi(t);
    const ours = await customers.create('Repeated', 'chunk.repeat@example.com');
    await customers.synced(ours.id, 'STRIPE', ours.version);
    await customers.synced(ours.id, 'SALESFORCE', ours.version);
    const before = await customers.get(ours.id);
    // Every customer event Stripe delivered so far, delivered again at once, as a chunk: each is in the inbox.
    await expectEventually(() => expect(emu.pendingWebhooks()).toEqual([]));
    await worker.stop();
    const events = emu.deliveredEvents().filter((e) => e.type.startsWith('customer.'));
    const repeated = new Set(events.map((e) => e.id));
    const outcomes = new Map<string, string>();
    worker.onOutcome = (change, outcome) => {
      if (repeated.has(change.eventId)) outcomes.set(change.eventId, outcome);
    };
    for (const e of events) {
      const body = JSON.stringify(e);
      const res = await fetch(`${t.url}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signatureHeader(body, STRIPE_WEBHOOK_SECRET),
        },
        body,
      });
      expect(res.status).toBe(200);
    }
    const logged = emu.requestLog().length;
    await worker.start();
    await expectEventually(() => expect(outcomes.size).toBe(events.length));
    expect(new Set(outcomes.values())).toEqual(new Set(['duplicate']));
    const about = new Set(events.map((e) => `/v1/customers/${e.data.object.id}`));
    expect(
      emu
        .requestLog()
        .slice(logged)
        .filter((r) => r.method === 'GET' && about.has(r.path)),
    ).toEqual([]);
    expect(await customers.get(ours.id)).toEqual(before);
  });
});
