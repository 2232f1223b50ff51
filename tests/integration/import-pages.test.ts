import type Stripe from 'stripe';
import type { StripeEmulator } from '../../emulators/stripe/index.js';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import { applyImportPage } from '../../src/engine/import-page.js';
import type { RemoteRecord } from '../../src/core/provider.js';
import { ExternalMapping, SyncState } from '../../src/engine/entities/index.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { customersApi } from '../support/customers-api.js';
import { startAppWithBothProviders } from '../support/stripe.js';

interface Job {
  status: string;
  processed: number;
  created: number;
  linked: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
}

/**
 * An import large enough to span pages (Stripe lists 100 at a time): records of every kind in different pages.
 * New records and ones listed as last synced are settled a page at a time (engine/import-page.ts); the others go
 * the record-by-record way. Both ways must give what the record-by-record path alone gave.
 */
describe('import in pages', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let sf: SalesforceEmulator;
  let dashboard: Stripe;

  beforeAll(async () => {
    ({ t, emu, dashboard, sf } = await startAppWithBothProviders());
    emu.setWebhookUrl(undefined); // the import alone brings them in
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
    await sf?.close();
  });

  const runImport = async (): Promise<Job> => {
    const started = await t.gql<{ importFromProvider: { id: string } }>(
      `mutation { importFromProvider(provider: STRIPE, entityType: CUSTOMER) { id } }`,
    );
    expect(started.errors).toBeUndefined();
    return expectEventually(async () => {
      const r = await t.gql<{ importJob: Job }>(
        `query($id: ID!) { importJob(id: $id) { status processed created linked updated unchanged skipped error } }`,
        { id: started.data!.importFromProvider.id },
      );
      expect(r.data!.importJob).toMatchObject({ status: 'COMPLETED' });
      return r.data!.importJob;
    });
  };
  const readsById = () => emu.requestLog().filter((r) => r.method === 'GET' && /^\/v1\/customers\/cus_/.test(r.path));

  it('creates and links across pages with no read per record, and a second import changes nothing', async () => {
    // Local records that never reached Stripe (made while Stripe sync was off).
    const offline = new CatalogChanges([]);
    const em = () => t.app.orm.em.fork();
    const byEmail = await offline.create(em(), customerCatalog, { name: 'Local A', email: 'page.local.a@example.com' });
    const late = await offline.create(em(), customerCatalog, { name: 'Local B', email: 'page.local.b@example.com' });
    const byId = await offline.create(em(), customerCatalog, { name: 'Local C', email: 'page.local.c@example.com' });

    await dashboard.customers.create({ name: 'Twin of A', email: 'PAGE.LOCAL.A@example.com' }); // page 1
    await dashboard.customers.create({ name: 'Twice 1', email: 'page.twice@example.com' });
    for (let i = 0; i < 120; i++)
      await dashboard.customers.create({ name: `New ${i}`, email: `page.${i}@example.com` });
    await dashboard.customers.create({ name: 'Twice 2', email: 'page.twice@example.com' }); // page 2
    await dashboard.customers.create({ name: 'Cannot hold' }); // no email: skipped
    await dashboard.customers.create({
      name: 'Carries C',
      email: 'other.c@example.com',
      metadata: { internal_id: byId.id },
    });
    for (let i = 120; i < 230; i++)
      await dashboard.customers.create({ name: `New ${i}`, email: `page.${i}@example.com` });
    await dashboard.customers.create({ name: 'Twin of B', email: 'page.local.b@example.com' }); // page 3
    const listed = emu.customers().length;
    expect(listed).toBe(236);

    const readsBefore = readsById().length;
    const first = await runImport();
    expect(first).toEqual({
      status: 'COMPLETED',
      processed: listed,
      created: 232, // 230 new, and both customers sharing an email (no local record had it)
      linked: 3, // two by email, one by the id it carries
      updated: 0,
      unchanged: 0,
      skipped: 1,
      error: null,
    });
    // Listed records are applied as listed: not one of them is read again.
    expect(readsById().length).toBe(readsBefore);

    const mappings = await em().find(ExternalMapping, { provider: 'STRIPE', entityType: 'CUSTOMER' });
    const stripeIds = emu
      .customers()
      .filter((c) => c.email)
      .map((c) => c.id)
      .sort();
    // Every customer Stripe holds (but the one without an email) is linked to exactly one local record.
    expect(mappings.map((m) => m.externalId).sort()).toEqual(stripeIds);
    expect(new Set(mappings.map((m) => m.entityId)).size).toBe(mappings.length);
    const linkedTo = (entityId: string) => mappings.find((m) => m.entityId === entityId)?.externalId;
    const stripeEmail = (id: string | null | undefined) =>
      emu
        .customers()
        .find((c) => c.id === id)
        ?.email?.toLowerCase();
    expect(stripeEmail(linkedTo(byEmail.id))).toBe('page.local.a@example.com');
    expect(stripeEmail(linkedTo(late.id))).toBe('page.local.b@example.com');
    expect(emu.customers().find((c) => c.id === linkedTo(byId.id))?.metadata.internal_id).toBe(byId.id);

    // Created records are SYNCED at Stripe as imported and reach Salesforce; linked ones send the catalog's data.
    await expectEventually(
      async () => {
        const states = await em().find(SyncState, { entityType: 'CUSTOMER' });
        const notSynced = states.filter((s) => s.state !== 'SYNCED');
        expect(notSynced.map((s) => `${s.provider} ${s.state} ${s.lastError ?? ''}`)).toEqual([]);
        expect(states.filter((s) => s.provider === 'STRIPE')).toHaveLength(mappings.length);
        // The three local records were made with no provider on, so only the imported ones go to Salesforce.
        expect(states.filter((s) => s.provider === 'SALESFORCE')).toHaveLength(first.created);
      },
      { timeoutMs: 30_000 },
    );
    expect(emu.customers().find((c) => c.id === linkedTo(byEmail.id))?.name).toBe('Local A');
    expect(sf.contacts().filter((c) => c.Email?.startsWith('page.'))).toHaveLength(first.created);

    const second = await runImport();
    expect(second).toEqual({ ...first, created: 0, linked: 0, unchanged: listed - 1 });
    expect(readsById().length).toBe(readsBefore);
  });

  it('settles new and as-last-synced records of a page at once and leaves the rest to the record-by-record path', async () => {
    const em = () => t.app.orm.em.fork();
    const changes = new CatalogChanges(['STRIPE', 'SALESFORCE']);
    const local = await new CatalogChanges([]).create(em(), customerCatalog, {
      name: 'Here',
      email: 'unit.here@example.com',
    });
    const synced = await em().findOneOrFail(ExternalMapping, {
      provider: 'STRIPE',
      entityType: 'CUSTOMER',
      externalId: { $ne: null },
    });
    const syncedRow = present(await em().findOne(customerCatalog.entity, { id: synced.entityId }), 'linked row');
    const asHeld = { name: syncedRow.name, email: syncedRow.email };
    const remote = (externalId: string, values: Record<string, unknown>, internalId?: string): RemoteRecord => ({
      externalId,
      values,
      deleted: false,
      internalId: internalId ?? null,
    });
    const page = [
      remote('cus_unit_new', { name: 'Brand New', email: 'unit.new@example.com' }),
      remote(synced.externalId!, asHeld),
      remote('cus_unit_key', { name: 'Same Email', email: 'UNIT.HERE@example.com' }),
      remote('cus_unit_ours', { name: 'Carries Ours', email: 'unit.ours@example.com' }, local.id),
      remote('cus_unit_bad', { name: 'No Email' }),
    ];
    const changed = remote(synced.externalId!, { ...asHeld, name: `${asHeld.name} edited` });

    const outcome = await em().transactional((tx) =>
      applyImportPage(tx, changes, customerCatalog, 'STRIPE', [...page.slice(0, 1), changed, ...page.slice(2)]),
    );
    expect(outcome.results.map((r) => [r.externalId, r.outcome])).toEqual([
      ['cus_unit_bad', 'skipped'],
      ['cus_unit_new', 'created'],
    ]);
    expect(outcome.rest.map((r) => r.externalId).sort()).toEqual(
      [synced.externalId, 'cus_unit_key', 'cus_unit_ours'].sort(),
    );
    const created = present(outcome.results.find((r) => r.outcome === 'created')?.entityId, 'created id');
    const mapping = await em().findOneOrFail(ExternalMapping, {
      provider: 'STRIPE',
      entityType: 'CUSTOMER',
      entityId: created,
    });
    expect(mapping).toMatchObject({ externalId: 'cus_unit_new', carriesOurId: false, lastSyncedVersion: 1 });
    const states = await em().find(SyncState, { entityId: created }, { orderBy: { provider: 'asc' } });
    expect(states.map((s) => [s.provider, s.state])).toEqual([
      ['SALESFORCE', 'PENDING'],
      ['STRIPE', 'SYNCED'],
    ]);

    // The same page again: the new record is now linked and listed as held, so it is unchanged too.
    const again = await em().transactional((tx) => applyImportPage(tx, changes, customerCatalog, 'STRIPE', page));
    expect(again.results.map((r) => [r.externalId, r.outcome])).toEqual([
      ['cus_unit_new', 'unchanged'],
      [synced.externalId, 'unchanged'],
      ['cus_unit_bad', 'skipped'],
    ]);
    expect(again.rest.map((r) => r.externalId).sort()).toEqual(['cus_unit_key', 'cus_unit_ours']);
  });

  it('once imported, a customer made here costs one Stripe call; one made in Salesforce is still looked for', async () => {
    // The first test completed an import from Stripe: every customer Stripe held then is linked.
    const calls = (method: string) => emu.requestLog().filter((r) => r.method === method && r.path === '/v1/customers');
    const before = { lookups: calls('GET').length, creates: calls('POST').length };
    const since = () => ({
      lookups: calls('GET').length - before.lookups,
      creates: calls('POST').length - before.creates,
    });
    const customers = customersApi(t);

    const here = await customers.create('Made Here', 'made.here@example.com');
    await customers.synced(here.id, 'STRIPE', 1);
    expect(since()).toEqual({ lookups: 0, creates: 1 });

    // Made in Salesforce: the same person may be being made in Stripe right now, so the email is looked up first.
    sf.ui.create('Contact', { LastName: 'Made There', Email: 'made.there@example.com' });
    const there = await expectEventually(async () =>
      present((await customers.byEmail('made.there@example.com'))[0], 'the customer from Salesforce'),
    );
    await customers.synced(there.id, 'STRIPE', there.version);
    expect(since()).toEqual({ lookups: 1, creates: 2 });
  });

  it('does not bring back a customer deleted in Stripe after its page was listed', async () => {
    // Made while webhooks are off: not known here, so the page will find it unlinked.
    const gone = await dashboard.customers.create({ name: 'Deleted Meanwhile', email: 'page.deleted@example.com' });
    const stripeInbound = present(
      t.app.inbound.find((w) => w.consumerGroups()[0].groupId.endsWith('stripe')),
      'the Stripe inbound worker',
    );
    const applied = new Set<string>();
    stripeInbound.onOutcome = (change) => applied.add(change.externalId);
    // The list call is answered (its page is the account as it is now) but the reply is held.
    emu.injectFaults({ count: 1, method: 'GET', path: '/v1/customers$', hold: 'listed' });
    const started = await t.gql<{ importFromProvider: { id: string } }>(
      `mutation { importFromProvider(provider: STRIPE, entityType: CUSTOMER) { id } }`,
    );
    await expectEventually(() => expect(emu.held().map((h) => h.hold)).toContain('listed'));
    emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    try {
      await dashboard.customers.del(gone.id);
      await expectEventually(() => applied.has(gone.id)); // its customer.deleted is in: nothing here to delete
    } finally {
      emu.setWebhookUrl(undefined);
      stripeInbound.onOutcome = undefined;
    }
    emu.release('listed');
    await expectEventually(async () => {
      const r = await t.gql<{ importJob: Job }>(`query($id: ID!) { importJob(id: $id) { status } }`, {
        id: started.data!.importFromProvider.id,
      });
      expect(r.data!.importJob.status).toBe('COMPLETED');
    });
    const local = await customersApi(t).byEmail('page.deleted@example.com');
    expect(local.filter((c) => c.deletedAt === null)).toEqual([]);
  });
});
