import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;

describe('Salesforce emulator: sObject rows and upsert', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = await connect(emu, { client: 'catalog-sync' });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.close());

  it('creates, retrieves, updates and deletes a Contact', async () => {
    const created = await conn
      .sobject('Contact')
      .create({ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' });
    expect(created).toEqual({ id: expect.stringMatching(/^003[a-zA-Z0-9]{15}$/), success: true, errors: [] });
    const id = created.id as string;

    const rec = await conn.sobject('Contact').retrieve(id);
    expect(rec).toMatchObject({
      attributes: { type: 'Contact', url: `/services/data/v${API_VERSION}/sobjects/Contact/${id}` },
      Id: id,
      Name: 'Ada Lovelace',
      Email: 'ada@example.com',
      IsDeleted: false,
      [EXT]: null,
    });
    expect(rec.CreatedDate).toMatch(SF_DATETIME);
    expect(rec.SystemModstamp).toMatch(SF_DATETIME);

    const partial = await conn.sobject('Contact').retrieve(id, { fields: ['LastName', 'Email'] });
    expect(Object.keys(partial)).toEqual(['attributes', 'LastName', 'Email']);

    await expect(conn.sobject('Contact').update({ Id: id, Email: 'ada@lovelace.dev', FirstName: '' })).resolves.toEqual(
      {
        id,
        success: true,
        errors: [],
      },
    );
    expect(emu.contacts()).toEqual([
      expect.objectContaining({ Id: id, Email: 'ada@lovelace.dev', FirstName: null, Name: 'Lovelace' }),
    ]);

    await conn.sobject('Contact').destroy(id);
    expect(emu.contacts()).toEqual([]);
    await expect(conn.sobject('Contact').retrieve(id)).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    await expect(conn.sobject('Contact').update({ Id: id, LastName: 'X' })).rejects.toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
    await expect(conn.sobject('Contact').destroy(id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
  });

  it('accepts 15-character ids and answers with 18-character ones', async () => {
    const { id } = await conn.sobject('Contact').create({ LastName: 'Short' });
    const rec = await conn.sobject('Contact').retrieve((id as string).slice(0, 15));
    expect(rec.Id).toBe(id);
  });

  it('upserts by external id: 201 created:true, then 200 created:false', async () => {
    const first = await rawRequest(conn, `/services/data/v${API_VERSION}/sobjects/Contact/${EXT}/cust-1`, {
      method: 'PATCH',
      body: { LastName: 'Hopper', Email: 'grace@example.com' },
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.stringMatching(/^003/), success: true, errors: [], created: true });

    const second = await conn.sobject('Contact').upsert({ [EXT]: 'cust-1', FirstName: 'Grace' }, EXT);
    expect(second).toEqual({ id: (first.body as { id: string }).id, success: true, errors: [], created: false });
    expect(emu.contacts()).toEqual([expect.objectContaining({ Name: 'Grace Hopper', [EXT]: 'cust-1' })]);

    const byExt = await rawRequest(
      conn,
      `/services/data/v${API_VERSION}/sobjects/Contact/${EXT}/cust-1?fields=Id,Name`,
    );
    expect(byExt.body).toMatchObject({ Id: (first.body as { id: string }).id, Name: 'Grace Hopper' });

    const unknownField = await rawRequest(conn, `/services/data/v${API_VERSION}/sobjects/Contact/Nope__c/1`, {
      method: 'PATCH',
      body: { LastName: 'X' },
    });
    expect(unknownField.status).toBe(404);
    expect(unknownField.body).toEqual([
      { errorCode: 'NOT_FOUND', message: 'Provided external ID field does not exist or is not accessible: Nope__c' },
    ]);
  });

  it('rejects invalid records with Salesforce error codes', async () => {
    const contacts = conn.sobject('Contact');
    await expect(contacts.create({ FirstName: 'No last name' })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [LastName]',
      data: { fields: ['LastName'] },
    });
    await expect(contacts.create({ LastName: 'X', Email: 'not-an-email' })).rejects.toMatchObject({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      data: { fields: ['Email'] },
    });
    const { id } = await contacts.create({ LastName: 'A', [EXT]: 'dup-1' });
    await expect(contacts.create({ LastName: 'B', [EXT]: 'DUP-1' })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
      message: `duplicate value found: ${EXT} duplicates value on record with id: ${id}`,
    });
    await expect(contacts.create({ LastName: 'X', Shoe_Size__c: 42 })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    await expect(contacts.create({ LastName: 'X', CreatedDate: '2020-01-01T00:00:00Z' })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
    await expect(contacts.create({ LastName: 'x'.repeat(81) })).rejects.toMatchObject({ errorCode: 'STRING_TOO_LONG' });
    await expect(contacts.update({ Id: id as string, LastName: null })).rejects.toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
    });
    await expect(contacts.retrieve('003000000000000AAA')).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
  });

  it('validates AccountId against existing Accounts and cascades Account deletes', async () => {
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const contact = await conn.sobject('Contact').create({ LastName: 'Coyote', AccountId: account.id });
    expect(contact.success).toBe(true);
    await expect(
      conn.sobject('Contact').create({ LastName: 'X', AccountId: '001000000000000AAA' }),
    ).rejects.toMatchObject({
      errorCode: 'INVALID_CROSS_REFERENCE_KEY',
    });
    await expect(conn.sobject('Contact').create({ LastName: 'X', AccountId: contact.id })).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    });
    await conn.sobject('Account').destroy(account.id as string);
    expect(emu.contacts()).toEqual([]);
  });

  it('records the Sforce-Call-Options client of each call and of each record’s last write', async () => {
    const other = await connect(emu, { client: 'someone-else' });
    const { id } = await conn.sobject('Contact').create({ LastName: 'Mine' });
    expect(emu.lastModifiedClient(id as string)).toBe('catalog-sync');
    await other.sobject('Contact').update({ Id: id as string, FirstName: 'Theirs' });
    expect(emu.lastModifiedClient(id as string)).toBe('someone-else');
    expect((await conn.sobject('Contact').retrieve(id as string)).LastModifiedById).toBe(emu.integrationUserId);
    emu.ui.update('Contact', id as string, { FirstName: 'Typed in the UI' });
    expect(emu.lastModifiedClient(id as string)).toBeUndefined();
    // LastModifiedById is what a sync can see in real Salesforce to tell its own writes from people's.
    expect((await conn.sobject('Contact').retrieve(id as string)).LastModifiedById).toBe(emu.uiUserId);

    const writes = emu.requestLog().filter((e) => e.method !== 'GET' && e.path.includes('/sobjects/Contact'));
    expect(writes).toEqual([
      { method: 'POST', path: `/services/data/v${API_VERSION}/sobjects/Contact`, status: 201, client: 'catalog-sync' },
      {
        method: 'PATCH',
        path: `/services/data/v${API_VERSION}/sobjects/Contact/${id}`,
        status: 204,
        client: 'someone-else',
      },
    ]);
  });

  it('describes Contact for jsforce (external id field included)', async () => {
    const describe = await conn.sobject('Contact').describe();
    expect(describe.keyPrefix).toBe('003');
    expect(describe.fields.find((f) => f.name === EXT)).toMatchObject({ externalId: true, unique: true });
  });
});
