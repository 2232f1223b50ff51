import type Stripe from 'stripe';
import { signatureHeader, type StripeEmulator } from '../../emulators/stripe/index.js';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import type { InboundWorker } from '../../src/engine/inbound-worker.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { customersApi } from '../support/customers-api.js';
import { STRIPE_WEBHOOK_SECRET, startAppWithBothProviders } from '../support/stripe.js';

/**
 * A chunk of inbound events is settled together where it can be (engine/inbound-batch.ts: new records and echoes)
 * and record by record where it cannot. Both ways must give what the record-by-record path alone gave, with one
 * provider read per new record.
 */
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

  it('creates new records and drops echoes together, and leaves changes, twins and failed reads to each record', async () => {
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
    expect(byRecord(stripeId)).toEqual(['updated']);
    // One read per new record. Read twice: the one whose read failed, and the twin (read together first, then
    // judged on its own). The renamed one was never read together: a change of a linked record goes its own way.
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

  it('settles a chunk of repeats as duplicates without applying anything', async () => {
    const customers = customersApi(t);
    const ours = await customers.create('Repeated', 'chunk.repeat@example.com');
    await customers.synced(ours.id, 'STRIPE', ours.version);
    await customers.synced(ours.id, 'SALESFORCE', ours.version);
    const before = await customers.get(ours.id);
    // Every customer event Stripe delivered so far, delivered again at once, as a chunk: each is in the inbox.
    const events = emu.deliveredEvents().filter((e) => e.type.startsWith('customer.'));
    await worker.stop();
    const outcomes: string[] = [];
    worker.onOutcome = (_change, outcome) => outcomes.push(outcome);
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
    await expectEventually(() => expect(outcomes).toHaveLength(events.length));
    expect(new Set(outcomes)).toEqual(new Set(['duplicate']));
    expect(emu.requestLog().slice(logged)).toEqual([]);
    expect(await customers.get(ours.id)).toEqual(before);
  });
});
