/** Catalog_Invoice__c through describe, SOQL, replication, Outbound Messages and the control API. */
import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { expectEventually } from '../../support/eventually.js';
import { API_VERSION, connect, rawRequest, startListener } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
const INV = 'Catalog_Invoice__c';

interface FieldDescribe {
  name: string;
  type: string;
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  [key: string]: unknown;
}

describe('Salesforce emulator: Catalog_Invoice__c reads, replication and outbound', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let contactId: string;
  let listener: Awaited<ReturnType<typeof startListener>> | undefined;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ outboundRetry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } });
    conn = await connect(emu, { client: 'catalog-sync' });
  });
  beforeEach(async () => {
    emu.reset();
    contactId = (await conn.sobject('Contact').create({ LastName: 'Lovelace', [EXT]: 'cus-1' })).id as string;
  });
  afterEach(async () => {
    emu.setOutboundMessageUrl(undefined);
    await listener?.close();
    listener = undefined;
  });
  afterAll(() => emu.close());

  const invoice = (n: number, extra: Record<string, unknown> = {}) => ({
    [EXT]: `inv-${n}`,
    Name: `INV-${n}`,
    Contact__c: contactId,
    Amount__c: 100 * n + 0.5,
    Currency__c: 'USD',
    Status__c: 'Open',
    Due_Date__c: `2026-0${n}-15`,
    ...extra,
  });

  it('describes the object and its typed fields, and lists it in the global describe', async () => {
    const d = await conn.sobject(INV).describe();
    expect(d).toMatchObject({ name: INV, label: 'Catalog Invoice', custom: true, keyPrefix: 'a01' });
    const byName = new Map((d.fields as unknown as FieldDescribe[]).map((f) => [f.name, f]));
    expect(byName.get('Name')).toMatchObject({ type: 'string', length: 80, nameField: true, nillable: false });
    expect(byName.get('Contact__c')).toMatchObject({
      type: 'reference',
      referenceTo: ['Contact'],
      relationshipName: 'Contact__r',
      nillable: false,
      restrictedDelete: true,
      cascadeDelete: false,
    });
    expect(byName.get('Amount__c')).toMatchObject({
      type: 'currency',
      soapType: 'xsd:double',
      precision: 16,
      scale: 2,
    });
    expect(byName.get('Currency__c')).toMatchObject({ type: 'string', length: 3 });
    expect(byName.get('Status__c')).toMatchObject({
      type: 'picklist',
      restrictedPicklist: true,
      picklistValues: ['Draft', 'Open', 'Paid', 'Void', 'Uncollectible'].map((value) =>
        expect.objectContaining({ value, label: value, active: true }),
      ),
    });
    expect(byName.get('Due_Date__c')).toMatchObject({ type: 'date', soapType: 'xsd:date' });
    expect(byName.get('Description__c')).toMatchObject({
      type: 'textarea',
      length: 32768,
      extraTypeInfo: 'plaintextarea',
      filterable: false,
      sortable: false,
    });
    expect(byName.get(EXT)).toMatchObject({ externalId: true, unique: true, caseSensitive: false, length: 255 });
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['Id', 'IsDeleted', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp']),
    );

    const contact = await conn.sobject('Contact').describe();
    expect(contact.childRelationships).toEqual([
      expect.objectContaining({
        childSObject: INV,
        field: 'Contact__c',
        relationshipName: 'Catalog_Invoices__r',
        restrictedDelete: true,
      }),
    ]);
    const global = await conn.describeGlobal();
    expect(global.sobjects.find((s) => s.name === INV)).toMatchObject({ custom: true, keyPrefix: 'a01' });
  });

  it('queries with typed filters, the Contact__r relationship and queryMore paging', async () => {
    await conn.sobject(INV).create([1, 2, 3, 4, 5].map((n) => invoice(n, n === 5 ? { Status__c: 'Paid' } : {})));
    const rows = await conn.query<Record<string, unknown>>(
      `SELECT Name, Amount__c, Due_Date__c, Contact__r.${EXT} FROM ${INV} ` +
        `WHERE Due_Date__c >= 2026-02-15 AND Amount__c < 400 AND Status__c IN ('Open', 'Void') ORDER BY Due_Date__c DESC`,
    );
    expect(rows.records).toEqual([
      {
        attributes: expect.objectContaining({ type: INV }),
        Name: 'INV-3',
        Amount__c: 300.5,
        Due_Date__c: '2026-03-15',
        Contact__r: { attributes: expect.objectContaining({ type: 'Contact' }), [EXT]: 'cus-1' },
      },
      expect.objectContaining({ Name: 'INV-2' }),
    ]);

    await expect(conn.query(`SELECT Id FROM ${INV} WHERE Description__c = 'x'`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("field 'Description__c' can not be filtered in a query call"),
    });
    await expect(conn.query(`SELECT Id FROM ${INV} ORDER BY Description__c`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    await expect(conn.query(`SELECT Id FROM ${INV} WHERE Due_Date__c = '2026-01-15'`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining('must be of type date and should not be enclosed in quotes'),
    });
    await expect(conn.query(`SELECT Id FROM ${INV} WHERE Amount__c = '100.5'`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });

    emu.setQueryBatchSize(2);
    const first = await conn.query(`SELECT Id FROM ${INV}`, { autoFetch: false });
    expect(first).toMatchObject({ totalSize: 5, done: false });
    const rest = await conn.queryMore(first.nextRecordsUrl as string);
    expect(rest.records).toHaveLength(2);
  });

  it('hides deleted invoices from query but not from queryAll (IsDeleted)', async () => {
    const [kept, gone] = await conn.sobject(INV).create([invoice(1), invoice(2)]);
    await conn.sobject(INV).destroy(gone?.id as string);
    const live = await conn.query(`SELECT Id FROM ${INV}`);
    expect(live.records.map((r) => r.Id)).toEqual([kept?.id]);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>(
      `SELECT Id, IsDeleted FROM ${INV} WHERE IsDeleted = true`,
      { scanAll: true },
    );
    expect(all.records.map((r) => [r.Id, r.IsDeleted])).toEqual([[gone?.id, true]]);
  });

  it('lists updated and deleted invoice ids through getUpdated / getDeleted', async () => {
    const start = new Date(emu.now().getTime() - 60_000);
    const [kept, gone] = await conn.sobject(INV).create([invoice(1), invoice(2)]);
    await conn.sobject(INV).destroy(gone?.id as string);
    // Windows end at the last whole minute of the org's clock: move it past this one.
    emu.advanceClock(60_000);
    const end = new Date(emu.now().getTime() + 60_000);
    const updated = (await conn.sobject(INV).updated(start, end)) as { ids: string[] };
    expect(updated.ids).toEqual([kept?.id]);
    const res = await rawRequest(
      conn,
      `/services/data/v${API_VERSION}/sobjects/${INV}/deleted?start=${encodeURIComponent(start.toISOString())}` +
        `&end=${encodeURIComponent(end.toISOString())}`,
    );
    expect(res.body).toMatchObject({ deletedRecords: [{ id: gone?.id }] });
  });

  it('sends an Outbound Message per invoice change in its own message, for API and UI writes alike', async () => {
    // Queued while no URL is set, so both invoice notifications carry the values as of delivery.
    const { id } = await conn.sobject(INV).create(invoice(1, { Description__c: 'Tea & <biscuits>' }));
    emu.ui.update(INV, id as string, { Status__c: 'Paid' });
    listener = await startListener();
    emu.setOutboundMessageUrl(listener.url);
    await expectEventually(() => expect(emu.pendingNotificationCount()).toBe(0));
    expect(emu.outboundNotifications(INV).map((n) => n.recordId)).toEqual([id, id]);

    const invoiceMessages = listener.messages.filter((m) => m.body.includes(`xsi:type="sf:${INV}"`));
    const notes = invoiceMessages.flatMap((m) => m.notifications);
    expect(notes).toHaveLength(2);
    for (const note of notes) {
      expect(note.fields).toEqual({
        Id: id,
        Name: 'INV-1',
        Contact__c: contactId,
        Amount__c: '100.5',
        Currency__c: 'USD',
        Status__c: 'Paid',
        Due_Date__c: '2026-01-15',
        Description__c: 'Tea &amp; &lt;biscuits&gt;',
        [EXT]: 'inv-1',
      });
    }
    // Each object has its own definition: its own ActionId, and the Contact message carries no invoice.
    const actionId = emu.outboundActionId(INV);
    expect(actionId).toMatch(/^04k/);
    expect(actionId).not.toBe(emu.outboundActionId('Contact'));
    for (const m of invoiceMessages) {
      expect(m.body).toContain(`<ActionId>${actionId}</ActionId>`);
      expect(m.body).not.toContain('xsi:type="sf:Contact"');
    }
    // The API write carries the sync's client name, the UI edit none: Salesforce sends both.
    expect(emu.lastModifiedClient(id as string)).toBeUndefined();
    expect(emu.deliveredNotifications().map((n) => n.contactId)).toEqual([contactId]);
    expect(emu.outboundAttempts().map((a) => [a.sobject, a.recordIds.length, a.acked])).toEqual([
      ['Contact', 1, true],
      [INV, 2, true],
    ]);
  });

  it('serves invoices on the control API', async () => {
    const [a, b] = await conn.sobject(INV).create([invoice(1), invoice(2)]);
    await conn.sobject(INV).destroy(b?.id as string);
    const get = async (path: string) => (await fetch(`${emu.url}/_emulator/${path}`)).json();
    expect(((await get('invoices')) as Array<{ Id: string }>).map((r) => r.Id)).toEqual([a?.id]);
    expect(((await get(`records/${INV}?includeDeleted=true`)) as Array<{ Id: string }>).map((r) => r.Id)).toEqual([
      a?.id,
      b?.id,
    ]);
    expect(await get('records/Nope__c')).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
  });

  it('takes another API name for the invoice object from the invoiceObject start option', async () => {
    const other = await startSalesforceEmulator({ invoiceObject: 'Billing_Invoice__c', externalIdField: 'Ext__c' });
    try {
      const c = await connect(other);
      const contact = await c.sobject('Contact').create({ LastName: 'X', Ext__c: 'c-1' });
      const [res] = await c
        .sobject('Billing_Invoice__c')
        .upsert([{ Ext__c: 'i-1', Name: 'INV-1', Contact__c: contact.id }], 'Ext__c');
      expect(res).toMatchObject({ success: true, created: true });
      expect(other.invoiceObject).toBe('Billing_Invoice__c');
      expect(other.invoices()).toEqual([expect.objectContaining({ Name: 'INV-1', Ext__c: 'i-1' })]);
      await expect(c.sobject(INV).describe()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    } finally {
      await other.close();
    }
  });
});
