import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { invoicesApi } from '../support/invoices-api.js';
import { salesforceEnv, startSalesforce } from '../support/salesforce.js';

/** Invoices <-> Catalog_Invoice__c through the real jsforce client, on real Postgres and Kafka. */
describe('invoice sync with Salesforce', () => {
  let t: TestApp;
  let sf: SalesforceEmulator;

  beforeAll(async () => {
    sf = await startSalesforce();
    t = await startTestApp({
      SYNC_PROVIDERS: 'SALESFORCE',
      SYNC_RETRY_BASE_MS: '50',
      SYNC_RETRY_MAX_MS: '400',
      SYNC_MAX_ATTEMPTS: '4',
      ...salesforceEnv(sf),
    });
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
  });
  afterAll(async () => {
    await t?.stop();
    await sf?.close();
  });
  afterEach(() => sf.clearFaults());

  const customers = () => customersApi(t);
  const invoices = () => invoicesApi(t);
  const sfInvoice = (id: string | null) =>
    present(
      sf.invoices().find((r) => r.Id === id),
      `invoice ${id}`,
    );

  it('a local invoice reaches Salesforce linked to its customer Contact; edits, lifecycle and delete follow', async () => {
    const c = await customers().create('Grace Hopper', 'grace.inv@example.com');
    const contact = await customers().synced(c.id, 'SALESFORCE', 1);
    const inv = await invoices().create({
      customerId: c.id,
      amountCents: 123456,
      currency: 'usd',
      description: 'Compiler consulting',
      dueDate: '2027-01-31',
    });
    expect(inv).toMatchObject({ status: 'DRAFT', currency: 'USD', number: null, version: 1 });
    const s = await invoices().synced(inv.id, 'SALESFORCE', 1);
    expect(sfInvoice(s.externalId)).toMatchObject({
      Name: 'Draft',
      Contact__c: contact.externalId,
      Amount__c: 1234.56,
      Currency__c: 'USD',
      Status__c: 'Draft',
      Due_Date__c: '2027-01-31',
      Description__c: 'Compiler consulting',
      Catalog_Sync_Id__c: inv.id,
    });

    expect((await invoices().update(inv.id, { amountCents: 99900 })).errors).toBeUndefined();
    await invoices().synced(inv.id, 'SALESFORCE', 2);
    expect(sfInvoice(s.externalId).Amount__c).toBe(999);

    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    await invoices().synced(inv.id, 'SALESFORCE', 3);
    expect(sfInvoice(s.externalId).Status__c).toBe('Open');
    expect((await invoices().move(inv.id, 'pay')).errors).toBeUndefined();
    await invoices().synced(inv.id, 'SALESFORCE', 4);
    expect(sfInvoice(s.externalId).Status__c).toBe('Paid');
    // Our own writes come back as outbound messages: none changes the invoice again (no ping-pong).
    expect((await invoices().get(inv.id)).version).toBe(4);

    const draft = await invoices().create({ customerId: c.id, amountCents: 500, currency: 'EUR' });
    const d = await invoices().synced(draft.id, 'SALESFORCE', 1);
    expect((await invoices().remove(draft.id)).errors).toBeUndefined();
    await invoices().synced(draft.id, 'SALESFORCE', 2);
    expect(sf.invoices().find((r) => r.Id === d.externalId)).toBeUndefined();
  });

  it('zero-decimal currencies: 5000 JPY is 5000 in Salesforce, and comes back as 5000', async () => {
    const c = await customers().create('Yukihiro Matsumoto', 'matz.inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 5000, currency: 'JPY' });
    const s = await invoices().synced(inv.id, 'SALESFORCE', 1);
    expect(sfInvoice(s.externalId)).toMatchObject({ Amount__c: 5000, Currency__c: 'JPY' });
    sf.ui.update('Catalog_Invoice__c', s.externalId!, { Amount__c: 7000 });
    await expectEventually(async () => expect(await invoices().get(inv.id)).toMatchObject({ amountCents: 7000 }));
  });

  it('an invoice edited and moved on in Salesforce comes back; a move the lifecycle forbids is undone there', async () => {
    const c = await customers().create('Barbara Liskov', 'barbara.inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 2500, currency: 'USD' });
    const s = await invoices().synced(inv.id, 'SALESFORCE', 1);
    sf.ui.update('Catalog_Invoice__c', s.externalId!, { Description__c: 'Edited by sales', Status__c: 'Open' });
    await expectEventually(async () =>
      expect(await invoices().get(inv.id)).toMatchObject({
        description: 'Edited by sales',
        status: 'OPEN',
        version: 2,
      }),
    );
    // open -> draft is not a move the lifecycle allows: the catalog keeps `open` and writes it back; the
    // description edited in the same save still applies.
    sf.ui.update('Catalog_Invoice__c', s.externalId!, { Status__c: 'Draft', Description__c: 'After the bad move' });
    await expectEventually(async () =>
      expect(await invoices().get(inv.id)).toMatchObject({ description: 'After the bad move', status: 'OPEN' }),
    );
    await expectEventually(async () => expect(sfInvoice(s.externalId).Status__c).toBe('Open'));
    const v = (await invoices().get(inv.id)).version;
    await invoices().synced(inv.id, 'SALESFORCE', v);
  });

  it('an invoice made in Salesforce for a Contact we do not know brings that Contact in first', async () => {
    const contactId = sf.ui.create('Contact', {
      FirstName: 'Edsger',
      LastName: 'Dijkstra',
      Email: 'ewd.inv@example.com',
    });
    // Only the invoice's notification arrives; the Contact's is dropped.
    const invId = sf.ui.create('Catalog_Invoice__c', {
      Name: 'SF-0001',
      Contact__c: contactId,
      Amount__c: 42.5,
      Currency__c: 'EUR',
      Status__c: 'Open',
    });
    const local = await expectEventually(async () => {
      const all = await invoices().list();
      return present(
        all.find((i) => i.syncStatus.some((s) => s.externalId === invId)),
        'imported invoice',
      );
    });
    expect(local).toMatchObject({ number: 'SF-0001', amountCents: 4250, currency: 'EUR', status: 'OPEN' });
    const customer = await customers().get(local.customerId);
    expect(customer).toMatchObject({ name: 'Edsger Dijkstra', email: 'ewd.inv@example.com' });
    expect(customer.syncStatus[0]).toMatchObject({ externalId: contactId });
  });

  it('parents first: while a customer cannot reach Salesforce, its invoices wait (not FAILED, no attempt used), then follow in order', async () => {
    // Every Contact write fails (Salesforce down for Contacts only); invoice writes would go through.
    sf.injectFaults({ path: '/composite/sobjects/Contact', status: 503, count: 1000 });
    const c = await customers().create('Alan Kay', 'alan.inv@example.com');
    const first = await invoices().create({ customerId: c.id, amountCents: 100, currency: 'USD' });
    const second = await invoices().create({ customerId: c.id, amountCents: 200, currency: 'USD' });
    await expectEventually(async () =>
      expect(await customers().status(c.id, 'SALESFORCE')).toMatchObject({ state: 'FAILED', attempts: 4 }),
    );
    for (const inv of [first, second]) {
      expect(await invoices().status(inv.id, 'SALESFORCE')).toMatchObject({
        state: 'PENDING',
        attempts: 0,
        lastError: null,
        externalId: null,
        waitingFor: { entityType: 'CUSTOMER', entityId: c.id },
      });
    }
    expect(sf.invoices().filter((r) => r.Amount__c === 1 || r.Amount__c === 2)).toEqual([]);

    // Salesforce is back; the customer goes out (retrySync), and its invoices right after it.
    sf.clearFaults();
    const retry = await t.gql(
      `mutation($id: ID!) { retrySync(entityType: CUSTOMER, entityId: $id, provider: SALESFORCE) { state } }`,
      { id: c.id },
    );
    expect(retry.errors).toBeUndefined();
    const contact = await customers().synced(c.id, 'SALESFORCE', 1);
    const a = await invoices().synced(first.id, 'SALESFORCE', 1);
    const b = await invoices().synced(second.id, 'SALESFORCE', 1);
    expect(a.waitingFor).toBeNull();
    expect(a.attempts).toBe(1);
    expect(sfInvoice(a.externalId).Contact__c).toBe(contact.externalId);
    expect(sfInvoice(b.externalId).Contact__c).toBe(contact.externalId);
    // In order: the first invoice was created in Salesforce before the second.
    const order = sf.invoices().map((r) => r.Id);
    expect(order.indexOf(a.externalId!)).toBeLessThan(order.indexOf(b.externalId!));
  });

  it('refuses what it cannot hold: unknown customer, bad currency, amount out of range, money edits after finalizing', async () => {
    const c = await customers().create('Frances Allen', 'fran.inv@example.com');
    const bad = async (input: Record<string, unknown>) => {
      const res = await invoices().tryCreate({ customerId: c.id, amountCents: 100, currency: 'USD', ...input });
      return res.errors?.[0];
    };
    expect(await bad({ currency: 'XYZ' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ amountCents: 100_000_000 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ amountCents: -1 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await bad({ dueDate: '2027-02-30' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    // Stripe refuses a due date that has passed, so a person may not set one.
    expect(await bad({ dueDate: '2020-01-31' })).toMatchObject({
      message: expect.stringContaining('dueDate'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await bad({ customerId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      message: expect.stringContaining('no live Customer'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const inv = await invoices().create({ customerId: c.id, amountCents: 100, currency: 'USD' });
    expect((await invoices().move(inv.id, 'pay')).errors?.[0]).toMatchObject({
      message: expect.stringContaining('cannot go from draft to paid'),
      extensions: { code: 'CONFLICT' },
    });
    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    expect((await invoices().update(inv.id, { amountCents: 5 })).errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect((await invoices().remove(inv.id)).errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    // The customer has a live invoice: its delete is refused, and nothing was written.
    const del = await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: c.id });
    expect(del.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(await invoices().get(inv.id)).toMatchObject({ status: 'OPEN', amountCents: 100, version: 2 });
    expect((await customers().get(c.id)).deletedAt).toBeNull();
    expect((await invoices().update(inv.id, { dueDate: '2099-01-31' })).errors).toBeUndefined();
    expect((await invoices().update(inv.id, { dueDate: '2020-01-31' })).errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // Once settled, the due date is history (and Stripe refuses to change it).
    expect((await invoices().move(inv.id, 'pay')).errors).toBeUndefined();
    expect((await invoices().update(inv.id, { dueDate: '2099-02-28' })).errors?.[0]).toMatchObject({
      message: expect.stringContaining('dueDate cannot change once it is paid'),
      extensions: { code: 'CONFLICT' },
    });
  });
});

/** With the poll and Outbound Messages off, only an import brings Salesforce's invoices in. */
describe('invoice import from Salesforce', () => {
  let t: TestApp;
  let sf: SalesforceEmulator;

  beforeAll(async () => {
    sf = await startSalesforce();
    t = await startTestApp({ SYNC_PROVIDERS: 'SALESFORCE', ...salesforceEnv(sf), SALESFORCE_POLL_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await t?.stop();
    await sf?.close();
  });

  it('imports invoice records, bringing in their Contacts first, and links them by our id afterwards', async () => {
    const contactId = sf.ui.create('Contact', {
      FirstName: 'Ada',
      LastName: 'Import',
      Email: 'ada.import@example.com',
    });
    const made = [
      sf.ui.create('Catalog_Invoice__c', {
        Name: 'INV-1',
        Contact__c: contactId,
        Amount__c: 12.5,
        Currency__c: 'USD',
        Status__c: 'Open',
      }),
      sf.ui.create('Catalog_Invoice__c', {
        Name: 'Draft',
        Contact__c: contactId,
        Amount__c: 300,
        Currency__c: 'JPY',
        Status__c: 'Draft',
      }),
    ];
    const importInvoices = async () => {
      const started = await t.gql<{ importFromProvider: { id: string } }>(
        `mutation { importFromProvider(provider: SALESFORCE, entityType: INVOICE) { id } }`,
      );
      expect(started.errors).toBeUndefined();
      return expectEventually(async () => {
        const r = await t.gql<{ importJob: Record<string, unknown> }>(
          `query($id: ID!) { importJob(id: $id) { status processed created linked unchanged error } }`,
          { id: started.data!.importFromProvider.id },
        );
        expect(r.data!.importJob).toMatchObject({ status: 'COMPLETED', error: null });
        return r.data!.importJob;
      });
    };
    expect(await importInvoices()).toMatchObject({ processed: 2, created: 2 });
    const local = await invoicesApi(t).list();
    expect(local.map((i) => [i.number, i.amountCents, i.currency, i.status])).toEqual(
      expect.arrayContaining([
        ['INV-1', 1250, 'USD', 'OPEN'],
        [null, 300, 'JPY', 'DRAFT'],
      ]),
    );
    expect(local).toHaveLength(2);
    const customer = await customersApi(t).get(local[0]!.customerId);
    expect(customer).toMatchObject({ name: 'Ada Import', email: 'ada.import@example.com' });
    // Imported as they are: no write per imported record (our id goes to each with its next write from us). A
    // second import finds them linked and changes nothing.
    for (const id of made) expect(sf.invoices().find((r) => r.Id === id)?.Catalog_Sync_Id__c ?? null).toBeNull();
    expect(await importInvoices()).toMatchObject({ processed: 2, created: 0, unchanged: 2 });
  });
});
