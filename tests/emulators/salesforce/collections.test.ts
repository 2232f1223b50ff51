import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
const collectionCalls = (emu: SalesforceEmulator, method: string) =>
  emu.requestLog().filter((e) => e.method === method && e.path.includes('/composite/sobjects'));

describe('Salesforce emulator: sObject Collections', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = await connect(emu, { client: 'catalog-sync' });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.close());

  it('creates, updates and deletes 250 records in two calls each, with per-record errors', async () => {
    const records = Array.from({ length: 250 }, (_, i) => ({
      LastName: `Bulk ${i}`,
      Email: i === 7 ? 'broken@' : `bulk${i}@example.com`,
      [EXT]: `bulk-${i}`,
    }));
    const created = await conn.sobject('Contact').create(records, { allowRecursive: true });
    expect(collectionCalls(emu, 'POST')).toHaveLength(2);
    expect(created).toHaveLength(250);
    expect(created.filter((r) => r.success)).toHaveLength(249);
    expect(created[7]).toEqual({
      success: false,
      errors: [
        { statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: broken@', fields: ['Email'] },
      ],
    });
    expect(emu.contacts()).toHaveLength(249);

    const ids = created.filter((r) => r.success).map((r) => r.id as string);
    const updates = ids.map((Id, i) => ({ Id, FirstName: `F${i}`, ...(i === 3 ? { LastName: null } : {}) }));
    const updated = await conn.sobject('Contact').update(updates, { allowRecursive: true });
    expect(collectionCalls(emu, 'PATCH')).toHaveLength(2);
    expect(updated.filter((r) => !r.success)).toEqual([
      {
        id: ids[3],
        success: false,
        errors: [
          {
            statusCode: 'REQUIRED_FIELD_MISSING',
            message: 'Required fields are missing: [LastName]',
            fields: ['LastName'],
          },
        ],
      },
    ]);

    const deleted = await conn.sobject('Contact').destroy([...ids, ids[0] as string], { allowRecursive: true });
    expect(collectionCalls(emu, 'DELETE')).toHaveLength(2);
    expect(deleted.slice(0, 249).every((r) => r.success)).toBe(true);
    expect(deleted[249]).toMatchObject({ id: ids[0], success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED' }] });
    expect(emu.contacts()).toEqual([]);
  });

  it('upserts by external id and reports created per record', async () => {
    await conn.sobject('Contact').create({ LastName: 'Existing', [EXT]: 'u-1' });
    const results = await conn
      .sobject('Contact')
      .upsert(
        [
          { [EXT]: 'u-1', FirstName: 'Updated' },
          { [EXT]: 'u-2', LastName: 'New' },
          { [EXT]: 'u-3' },
          { [EXT]: 'u-4', LastName: 'Twice' },
          { [EXT]: 'U-4', LastName: 'Twice again' },
        ],
        EXT,
      );
    expect(results.map((r) => [r.success, 'created' in r ? r.created : undefined])).toEqual([
      [true, false],
      [true, true],
      [false, false],
      [false, false],
      [false, false],
    ]);
    expect(results[2]?.errors).toEqual([expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })]);
    expect(results[3]?.errors).toEqual([expect.objectContaining({ statusCode: 'DUPLICATE_EXTERNAL_ID' })]);
    expect(
      emu
        .contacts()
        .map((c) => c.Name)
        .sort(),
    ).toEqual(['New', 'Updated Existing']);
  });

  it('rolls everything back when allOrNone is true', async () => {
    const results = await conn
      .sobject('Contact')
      .create([{ LastName: 'Good' }, { FirstName: 'Bad' }, { LastName: 'Also good' }], { allOrNone: true });
    expect(results).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
    ]);
    expect(emu.contacts()).toEqual([]);
    expect(emu.pendingNotificationCount()).toBe(0);
  });

  it('refuses more than 200 records in one call', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `N${i}` }));
    const res = await rawRequest(conn, `/services/data/v${API_VERSION}/composite/sobjects`, {
      method: 'POST',
      body: { allOrNone: false, records },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      {
        errorCode: 'EXCEEDED_ID_LIMIT',
        message: 'record limit reached. cannot submit more than 200 records into this call',
      },
    ]);
    await expect(conn.sobject('Contact').create(records.map(({ LastName }) => ({ LastName })))).rejects.toMatchObject({
      errorCode: 'EXCEEDED_ID_LIMIT',
    });
  });

  it('retrieves many records with GET and with jsforce retrieve([...])', async () => {
    const created = await conn.sobject('Contact').create([{ LastName: 'One' }, { LastName: 'Two' }]);
    const ids = created.map((r) => r.id as string);
    const res = await rawRequest(
      conn,
      `/services/data/v${API_VERSION}/composite/sobjects/Contact?ids=${ids.join(',')},003000000000000AAA&fields=Id,LastName`,
    );
    expect(res.body).toEqual([
      { attributes: expect.any(Object), Id: ids[0], LastName: 'One' },
      { attributes: expect.any(Object), Id: ids[1], LastName: 'Two' },
      null,
    ]);
    const viaJsforce = await conn.sobject('Contact').retrieve(ids);
    expect(viaJsforce.map((r) => r?.LastName)).toEqual(['One', 'Two']);
  });
});
