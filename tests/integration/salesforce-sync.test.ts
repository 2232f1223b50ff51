import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { expectEventually, present } from '../support/eventually.js';
import { customersApi } from '../support/customers-api.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { salesforceEnv, SF_ORG_ID, startSalesforce } from '../support/salesforce.js';

describe('two-way customer sync with Salesforce', () => {
  let t: TestApp;
  let sf: SalesforceEmulator;
  let accountId: string;

  beforeAll(async () => {
    sf = await startSalesforce();
    accountId = sf.ui.create('Account', { Name: 'Catalog Customers' });
    t = await startTestApp({
      SALESFORCE_ACCOUNT_ID: accountId,
      SYNC_PROVIDERS: 'SALESFORCE',
      SYNC_RETRY_BASE_MS: '50',
      SYNC_RETRY_MAX_MS: '400',
      SYNC_MAX_ATTEMPTS: '3',
      ...salesforceEnv(sf),
    });
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
  });
  afterAll(async () => {
    await t?.stop();
    await sf?.close();
  });

  const api = () => customersApi(t);
  const get = (id: string) => api().get(id);
  const create = (name: string, email: string) => api().create(name, email);
  const localByEmail = (email: string) => api().byEmail(email);
  const synced = (id: string, version: number) => api().synced(id, 'SALESFORCE', version);

  it('local create, update and delete reach Salesforce as a Contact keyed by our External ID', async () => {
    const c = await create('Marie Salomea Curie', 'marie@example.com');
    const s = await synced(c.id, 1);
    const contact = present(
      sf.contacts().find((x) => x.Id === s.externalId),
      'contact',
    );
    expect(contact).toMatchObject({
      FirstName: 'Marie',
      LastName: 'Salomea Curie',
      Email: 'marie@example.com',
      Catalog_Sync_Id__c: c.id,
      AccountId: accountId,
    });
    expect(sf.lastModifiedClient(contact.Id)).toBe('catalog-sync');

    await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Curie"}) { version } }`, { id: c.id });
    await synced(c.id, 2);
    expect(sf.contacts().find((x) => x.Id === s.externalId)).toMatchObject({ FirstName: null, LastName: 'Curie' });

    await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { version } }`, { id: c.id });
    await synced(c.id, 3);
    expect(sf.contacts().find((x) => x.Id === s.externalId)).toBeUndefined();
    // Our own writes come back as outbound messages; none of them changes the customer again.
    expect((await get(c.id)).version).toBe(3);
  });

  it('create and update in Salesforce arrive by outbound message; a delete arrives by the poll', async () => {
    const id = sf.ui.create('Contact', { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada.sf@example.com' });
    const local = await expectEventually(async () =>
      present((await localByEmail('ada.sf@example.com'))[0], 'imported'),
    );
    expect(local).toMatchObject({ name: 'Ada Lovelace', version: 1 });
    // Linked and SYNCED at once; our id goes to the Contact's External ID field with our next write to it, not
    // with a write of its own (an API call per record made in Salesforce).
    await expectEventually(async () =>
      expect((await get(local.id)).syncStatus).toEqual([
        expect.objectContaining({ provider: 'SALESFORCE', state: 'SYNCED', externalId: id }),
      ]),
    );
    expect(sf.contacts().find((x) => x.Id === id)?.Catalog_Sync_Id__c ?? null).toBeNull();
    expect((await get(local.id)).version).toBe(1);

    sf.ui.update('Contact', id, { LastName: 'King' });
    await expectEventually(async () => expect(await get(local.id)).toMatchObject({ name: 'Ada King', version: 2 }));

    sf.ui.delete('Contact', id);
    await expectEventually(async () => expect((await get(local.id)).deletedAt).not.toBeNull());
    expect((await get(local.id)).version).toBe(3);
  });

  it('acks outbound messages, rejects a foreign org and ignores a redelivered notification', async () => {
    const soap = (org: string, notificationId: string, contactId: string, last: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
      `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId><ActionId>04k000000000001AAA</ActionId>` +
      `<Notification><Id>${notificationId}</Id><sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<sf:Id>${contactId}</sf:Id><sf:LastName>${last}</sf:LastName><sf:Email>x@example.com</sf:Email></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`;
    const post = (body: string) =>
      fetch(`${t.url}/webhooks/salesforce`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });

    const foreign = await post(soap('00D000000000999AAA', '04l000000000001AAA', '003000000000001AAA', 'X'));
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('unknown OrganizationId');
    const junk = await post('<hello/>');
    expect(junk.status).toBe(400);

    const id = sf.ui.create('Contact', { LastName: 'Twice', Email: 'twice@example.com' });
    const local = await expectEventually(async () => present((await localByEmail('twice@example.com'))[0], 'imported'));
    const ok = await post(soap(SF_ORG_ID, '04l000000000002AAA', id, 'Twice'));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Ack>true</Ack>');
    const again = await post(soap(SF_ORG_ID, '04l000000000002AAA', id, 'Twice'));
    expect(again.status).toBe(200);
    expect((await get(local.id)).version).toBe(1);
  });

  it('retries REQUEST_LIMIT_EXCEEDED and 5xx with backoff, per record', async () => {
    // The upsert of a create (not, say, the write storing our id on a Contact imported by the test before).
    const upsert = '/composite/sobjects/Contact/Catalog_Sync_Id__c';
    sf.injectFaults({ status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', count: 1, path: upsert });
    sf.injectFaults({ status: 503, count: 1, path: upsert });
    const c = await create('Limited', 'limited@example.com');
    const s = await synced(c.id, 1);
    expect(s.attempts).toBeGreaterThanOrEqual(2);
    expect(sf.contacts().filter((x) => x.Email === 'limited@example.com')).toHaveLength(1);
  });

  it('batches many changes into sObject Collections calls', async () => {
    const before = sf.requestLog().filter((r) => r.path.includes('/composite/sobjects')).length;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await create(`Bulk ${i}`, `bulk${i}@example.com`)).id);
    for (const id of ids) await synced(id, 1);
    const calls = sf.requestLog().filter((r) => r.path.includes('/composite/sobjects')).length - before;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(30);
  });

  it('imports existing Contacts with SOQL paging', async () => {
    sf.setOutboundMessageUrl(undefined);
    try {
      for (let i = 0; i < 5; i++)
        sf.ui.create('Contact', { FirstName: 'Old', LastName: `Contact ${i}`, Email: `old${i}@example.com` });
      const started = await t.gql<{ importFromProvider: { id: string } }>(
        `mutation { importFromProvider(provider: SALESFORCE, entityType: CUSTOMER) { id } }`,
      );
      expect(started.errors).toBeUndefined();
      const job = await expectEventually(async () => {
        const r = await t.gql<{ importJob: Record<string, unknown> }>(
          `query($id: ID!) { importJob(id: $id) { status processed created unchanged skipped error } }`,
          { id: started.data!.importFromProvider.id },
        );
        expect(r.data!.importJob).toMatchObject({ status: 'COMPLETED' }); // the diff shows `error` when it failed
        return r.data!.importJob;
      });
      // The poller may bring some of the new Contacts in first; either way each exists once (the import then
      // finds it linked and unchanged), nothing is skipped, and every Contact was looked at.
      expect(job).toMatchObject({ skipped: 0, error: null });
      expect(job.created as number).toBeLessThanOrEqual(5);
      expect(job.processed).toBe(sf.contacts().length);
      for (let i = 0; i < 5; i++) {
        expect(await localByEmail(`old${i}@example.com`)).toEqual([
          expect.objectContaining({ name: `Old Contact ${i}` }),
        ]);
      }
    } finally {
      sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
    }
  });
});
