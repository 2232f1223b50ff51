/** The Catalog_Invoice__c custom object: DML through jsforce, field validation, the Restrict lookup to Contact. */
import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
const INV = 'Catalog_Invoice__c';
/** sObject Collections results carry `statusCode` (jsforce's SaveError type says errorCode). */
const statusOf = (r: { success: boolean; errors: unknown[] }): string =>
  r.success ? 'ok' : String((r.errors[0] as { statusCode?: string } | undefined)?.statusCode);

describe('Salesforce emulator: Catalog_Invoice__c DML and validation', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let contactId: string;

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = await connect(emu, { client: 'catalog-sync' });
  });
  beforeEach(async () => {
    emu.reset();
    contactId = (await conn.sobject('Contact').create({ FirstName: 'Ada', LastName: 'Lovelace', [EXT]: 'cus-1' }))
      .id as string;
  });
  afterAll(() => emu.close());

  const invoice = (n: number, extra: Record<string, unknown> = {}) => ({
    [EXT]: `inv-${n}`,
    Name: `INV-${String(n).padStart(4, '0')}`,
    Contact__c: contactId,
    Amount__c: 10 * n,
    Currency__c: 'EUR',
    Status__c: 'Open',
    Due_Date__c: '2026-01-31',
    ...extra,
  });

  it('upserts through sObject Collections by External ID, case-insensitively, and reports created', async () => {
    const first = await conn.sobject(INV).upsert([invoice(1), invoice(2)], EXT);
    expect(first.map((r) => [r.success, 'created' in r && r.created])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(emu.requestLog().filter((e) => e.path.endsWith(`/composite/sobjects/${INV}/${EXT}`))).toHaveLength(1);
    const ids = first.map((r) => r.id as string);
    expect(ids.every((id) => id.startsWith('a01'))).toBe(true);

    const second = await conn
      .sobject(INV)
      .upsert([{ [EXT]: 'INV-1', Status__c: 'Paid' }, invoice(3, { Amount__c: 7.5 })], EXT);
    expect(second.map((r) => [r.id === ids[0], 'created' in r && r.created])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(emu.invoices().map((i) => [i.Name, i.Status__c, i.Amount__c, i.Contact__c])).toEqual([
      ['INV-0001', 'Paid', 10, contactId],
      ['INV-0002', 'Open', 20, contactId],
      ['INV-0003', 'Open', 7.5, contactId],
    ]);
    // Records written by a named client are attributed to it, as Contacts are.
    expect(emu.lastModifiedClient(ids[0] as string)).toBe('catalog-sync');
  });

  it('creates, reads, updates, upserts and deletes one invoice through sObject REST', async () => {
    const created = await conn.sobject(INV).create(invoice(1, { Description__c: 'Line 1\nLine 2' }));
    const id = created.id as string;
    const read = (await conn.sobject(INV).retrieve(id)) as Record<string, unknown>;
    expect(read).toMatchObject({
      attributes: { type: INV, url: `/services/data/v${API_VERSION}/sobjects/${INV}/${id}` },
      Id: id,
      Name: 'INV-0001',
      Contact__c: contactId,
      Amount__c: 10,
      Currency__c: 'EUR',
      Status__c: 'Open',
      Due_Date__c: '2026-01-31',
      Description__c: 'Line 1\nLine 2',
      [EXT]: 'inv-1',
      IsDeleted: false,
      OwnerId: emu.integrationUserId,
    });

    await conn.sobject(INV).update({ Id: id, Name: 'INV-0001-A', Due_Date__c: null });
    expect(emu.invoices()[0]).toMatchObject({ Name: 'INV-0001-A', Due_Date__c: null });

    const byExt = await rawRequest(conn, `/services/data/v${API_VERSION}/sobjects/${INV}/${EXT}/INV-1`, {
      method: 'PATCH',
      body: { Amount__c: '99.999' },
    });
    expect(byExt).toMatchObject({ status: 200, body: { id, created: false } });
    // More decimals than the scale are rounded half up, as Salesforce stores them.
    expect(emu.invoices()[0]?.Amount__c).toBe(100);
    const made = await rawRequest(conn, `/services/data/v${API_VERSION}/sobjects/${INV}/${EXT}/inv-9`, {
      method: 'PATCH',
      body: { Name: 'INV-0009', Contact__c: contactId },
    });
    expect(made).toMatchObject({ status: 201, body: { created: true } });

    await conn.sobject(INV).destroy(id);
    expect(emu.invoices().map((i) => i.Name)).toEqual(['INV-0009']);
    expect(emu.records(INV, { includeDeleted: true }).map((r) => [r.Name, r.IsDeleted])).toEqual([
      ['INV-0001-A', true],
      ['INV-0009', false],
    ]);
  });

  it('rounds currency half up to 2 decimals and refuses more than 14 integer digits', async () => {
    const results = await conn
      .sobject(INV)
      .create([
        invoice(1, { Amount__c: 1.005 }),
        invoice(2, { Amount__c: -2.345 }),
        invoice(3, { Amount__c: 12345678901234.56 }),
        invoice(4, { Amount__c: 1e14 }),
        invoice(5, { Amount__c: '99999999999999.995' }),
        invoice(6, { Amount__c: 99999999999999.98 }),
      ]);
    expect(results.slice(0, 3)).toEqual([
      expect.objectContaining({ success: true }),
      expect.objectContaining({ success: true }),
      expect.objectContaining({ success: true }),
    ]);
    expect(emu.invoices().map((i) => i.Amount__c)).toEqual([1.01, -2.35, 12345678901234.56, 99999999999999.98]);
    expect(results[5]).toMatchObject({ success: true });
    for (const r of results.slice(3, 5)) {
      expect(r).toMatchObject({
        success: false,
        errors: [
          {
            statusCode: 'NUMBER_OUTSIDE_VALID_RANGE',
            message: expect.stringMatching(/^Amount: value outside of valid range on numeric field: /),
            fields: ['Amount__c'],
          },
        ],
      });
    }
    await expect(conn.sobject(INV).create(invoice(7, { Amount__c: 'ten' }))).rejects.toMatchObject({
      errorCode: 'JSON_PARSER_ERROR',
    });
  });

  it('refuses values outside the restricted Status__c picklist', async () => {
    const results = await conn
      .sobject(INV)
      .create([invoice(1, { Status__c: 'Refunded' }), invoice(2, { Status__c: 'paid' }), invoice(3)], {
        allOrNone: false,
      });
    expect(results[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: 'Status: bad value for restricted picklist field: Refunded',
          fields: ['Status__c'],
        },
      ],
    });
    expect(results[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' }],
    });
    expect(results[2]).toMatchObject({ success: true });
    for (const status of ['Draft', 'Open', 'Paid', 'Void', 'Uncollectible', null]) {
      await conn.sobject(INV).update({ Id: results[2]?.id as string, Status__c: status });
    }
  });

  it('refuses a Due_Date__c that is not a YYYY-MM-DD calendar day, failing the whole request', async () => {
    for (const bad of ['31/01/2026', '2026-02-30', '2026-01-31T00:00:00Z', 20260131]) {
      await expect(conn.sobject(INV).create(invoice(1, { Due_Date__c: bad }))).rejects.toMatchObject({
        errorCode: 'JSON_PARSER_ERROR',
        message: expect.stringContaining(`Cannot deserialize instance of date from`),
      });
    }
    // In a collection, the parse error answers the request: nothing is created, not even the valid record.
    const res = await rawRequest(conn, `/services/data/v${API_VERSION}/composite/sobjects`, {
      method: 'POST',
      body: {
        allOrNone: false,
        records: [
          { attributes: { type: INV }, ...invoice(2) },
          { attributes: { type: INV }, ...invoice(3, { Due_Date__c: '2026-13-01' }) },
        ],
      },
    });
    expect(res).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(emu.invoices()).toEqual([]);
  });

  it('validates Name, Contact__c and text lengths like Salesforce', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const results = await conn
      .sobject(INV)
      .create([
        invoice(1, { Contact__c: null }),
        invoice(2, { Name: null }),
        invoice(3, { Contact__c: '003000000000000AAA' }),
        invoice(4, { Contact__c: account.id }),
        invoice(5, { Contact__c: 'not-an-id' }),
        invoice(6, { Currency__c: 'EURO' }),
        invoice(7, { Description__c: 'x'.repeat(32769) }),
        invoice(8, { Description__c: 'x'.repeat(32768) }),
      ]);
    expect(results.map(statusOf)).toEqual([
      'REQUIRED_FIELD_MISSING',
      'REQUIRED_FIELD_MISSING',
      'INVALID_CROSS_REFERENCE_KEY',
      'FIELD_INTEGRITY_EXCEPTION',
      'MALFORMED_ID',
      'STRING_TOO_LONG',
      'STRING_TOO_LONG',
      'ok',
    ]);
    expect(results[0]).toMatchObject({ errors: [{ message: 'Required fields are missing: [Contact__c]' }] });
    expect(results[4]).toMatchObject({
      errors: [{ message: 'Contact: id value of incorrect type: not-an-id', fields: ['Contact__c'] }],
    });

    const gone = await conn.sobject('Contact').create({ LastName: 'Gone' });
    await conn.sobject('Contact').destroy(gone.id as string);
    await expect(conn.sobject(INV).create(invoice(9, { Contact__c: gone.id }))).rejects.toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
    await expect(conn.sobject(INV).create(invoice(8))).rejects.toMatchObject({ errorCode: 'DUPLICATE_VALUE' });
  });

  it('refuses to delete a Contact an invoice points at (Restrict), until the invoice is gone', async () => {
    const inv = await conn.sobject(INV).create(invoice(1));
    await conn.sobject(INV).create(invoice(2));
    await expect(conn.sobject('Contact').destroy(contactId)).rejects.toMatchObject({
      errorCode: 'DELETE_FAILED',
      message:
        'Your attempt to delete Ada Lovelace could not be completed because it is associated with the following catalog invoices.: INV-0001, INV-0002\n',
    });
    expect(emu.contacts()).toHaveLength(1);

    // In a collection the blocked record fails alone; the invoice deleted earlier in the call no longer counts.
    const [second] = emu.invoices().slice(1);
    const results = await conn.sobject('Contact').destroy([inv.id as string, second?.Id as string, contactId]);
    expect(results.map((r) => r.success)).toEqual([true, true, true]);
    expect(emu.contacts()).toEqual([]);
  });

  it('rolls a blocked Account delete back: its Contact cascades, but that Contact has an invoice', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    await conn.sobject('Contact').update({ Id: contactId, AccountId: account.id });
    await conn.sobject(INV).create(invoice(1));
    await expect(conn.sobject('Account').destroy(account.id as string)).rejects.toMatchObject({
      errorCode: 'DELETE_FAILED',
    });
    expect(emu.records('Account')).toHaveLength(1);
    expect(emu.contacts()).toHaveLength(1);
  });

  it('rolls every invoice back with allOrNone, and edits "in the UI" fire like the API ones', async () => {
    const results = await conn
      .sobject(INV)
      .create([invoice(1), invoice(2, { Status__c: 'Bogus' })], { allOrNone: true });
    expect(results.map(statusOf)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ]);
    expect(emu.invoices()).toEqual([]);

    const id = emu.ui.create(INV, invoice(3));
    emu.ui.update(INV, id, { Status__c: 'Void' });
    expect(emu.invoices()[0]).toMatchObject({ Id: id, Status__c: 'Void', LastModifiedById: emu.uiUserId });
    expect(emu.lastModifiedClient(id)).toBeUndefined();
    expect(() => emu.ui.update(INV, id, { Status__c: 'Nope' })).toThrow(/bad value for restricted picklist/);
    emu.ui.delete(INV, id);
    expect(emu.invoices()).toEqual([]);
  });
});
