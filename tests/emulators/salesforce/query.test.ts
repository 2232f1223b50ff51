import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const EXT = 'Catalog_Sync_Id__c';

interface Row {
  Id: string;
  LastName: string;
  [k: string]: unknown;
}

describe('Salesforce emulator: SOQL query / queryAll', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let ids: string[];

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ queryBatchSize: 10 });
    conn = await connect(emu);
    const account = await conn.sobject('Account').create({ Name: 'Acme' });
    const created = await conn.sobject('Contact').create(
      Array.from({ length: 25 }, (_, i) => ({
        FirstName: i % 2 === 0 ? 'Even' : 'Odd',
        LastName: `Person ${String(i).padStart(2, '0')}`,
        Email: i < 5 ? null : `p${i}@example.com`,
        [EXT]: `q-${i}`,
        ...(i < 3 ? { AccountId: account.id } : {}),
      })),
    );
    ids = created.map((r) => r.id as string);
  });
  afterAll(() => emu.close());

  it('pages 25 records in batches of 10 with nextRecordsUrl, followed by autoFetch', async () => {
    const soql = 'SELECT Id, LastName FROM Contact ORDER BY LastName';
    const raw = await rawRequest(conn, `/services/data/v${API_VERSION}/query?q=${encodeURIComponent(soql)}`);
    expect(raw.body).toMatchObject({
      totalSize: 25,
      done: false,
      nextRecordsUrl: expect.stringMatching(new RegExp(`^/services/data/v${API_VERSION}/query/01g[a-zA-Z0-9]{15}-10$`)),
    });

    // jsforce keeps only the locator and rebuilds an absolute URL from it.
    const first = await conn.query<Row>(soql);
    expect(first).toMatchObject({ totalSize: 25, done: false });
    expect(first.records).toHaveLength(10);
    expect(first.nextRecordsUrl).toMatch(/\/query\/01g[a-zA-Z0-9]{15}-10$/);

    const second = await conn.queryMore<Row>(first.nextRecordsUrl as string);
    expect(second.records.map((r) => r.LastName)[0]).toBe('Person 10');
    const third = await conn.queryMore<Row>(second.nextRecordsUrl as string);
    expect(third).toMatchObject({ done: true, totalSize: 25 });
    expect(third.records).toHaveLength(5);
    expect(third.nextRecordsUrl).toBeUndefined();

    const all = await conn.query<Row>('SELECT Id FROM Contact').autoFetch(true).maxFetch(1000);
    expect(all.records.map((r) => r.Id)).toEqual(ids);

    const streamed: Row[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query<Row>('SELECT Id FROM Contact')
        .on('record', (r: Row) => streamed.push(r))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 1000 });
    });
    expect(streamed).toHaveLength(25);
  });

  it('filters, orders and limits', async () => {
    const res = await conn.query<Row>(
      "SELECT Id, FirstName, LastName FROM Contact WHERE FirstName = 'even' AND (Email = null OR LastName LIKE '%2_') ORDER BY LastName DESC LIMIT 4",
    );
    expect(res.records.map((r) => r.LastName)).toEqual(['Person 24', 'Person 22', 'Person 20', 'Person 04']);
    expect(res.totalSize).toBe(4);

    const byIds = await conn.query<Row>(
      `SELECT Id FROM Contact WHERE Id IN ('${ids[3]}', '${(ids[4] as string).slice(0, 15)}') ORDER BY Id`,
    );
    expect(byIds.records.map((r) => r.Id)).toEqual([ids[3], ids[4]]);

    const notIn = await conn.query<Row>(`SELECT Id FROM Contact WHERE ${EXT} NOT IN ('q-0', 'q-1') AND Email != null`);
    expect(notIn.totalSize).toBe(20);

    const count = await conn.sobject('Contact').count({ FirstName: 'Odd' });
    expect(count).toBe(12);

    const offset = await conn.query<Row>('SELECT LastName FROM Contact ORDER BY LastName LIMIT 2 OFFSET 23');
    expect(offset.records.map((r) => r.LastName)).toEqual(['Person 23', 'Person 24']);
  });

  it('compares date-times and follows the Account relationship', async () => {
    const old = await conn.query('SELECT Id FROM Contact WHERE LastModifiedDate < 2000-01-01T00:00:00Z');
    expect(old.totalSize).toBe(0);
    const recent = await conn.query('SELECT Id FROM Contact WHERE CreatedDate >= 2000-01-01T00:00:00.000+00:00');
    expect(recent.totalSize).toBe(25);

    const withAccount = await conn.query<Row>(
      "SELECT LastName, Account.Name FROM Contact WHERE Account.Name = 'Acme' ORDER BY LastName",
    );
    expect(withAccount.records).toHaveLength(3);
    expect(withAccount.records[0]?.Account).toMatchObject({ attributes: { type: 'Account' }, Name: 'Acme' });
    const noAccount = await conn.query<Row>(`SELECT Account.Name FROM Contact WHERE ${EXT} = 'q-20'`);
    expect(noAccount.records[0]?.Account).toBeNull();
  });

  it('answers SELECT COUNT() with totalSize only', async () => {
    const res = await rawRequest(
      conn,
      `/services/data/v${API_VERSION}/query?q=${encodeURIComponent('SELECT COUNT() FROM Contact')}`,
    );
    expect(res.body).toEqual({ totalSize: 25, done: true, records: [] });
  });

  it('reports malformed and invalid SOQL like Salesforce', async () => {
    await expect(conn.query('SELECT Id FROM Contact WHERE')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(
      conn.query("SELECT Id FROM Contact WHERE LastName = 'a' AND Email = 'b' OR FirstName = 'c'"),
    ).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(conn.query('SELECT Id FROM Contact GROUP BY LastName')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(conn.query('SELECT Shoe_Size__c FROM Contact')).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Shoe_Size__c' on entity 'Contact'"),
    });
    await expect(conn.query('SELECT Id FROM Lead')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
    await expect(
      conn.query("SELECT Id FROM Contact WHERE LastModifiedDate > '2026-01-01T00:00:00Z'"),
    ).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining('must be of type dateTime and should not be enclosed in quotes'),
    });
    const locator = await rawRequest(conn, `/services/data/v${API_VERSION}/query/01gXXXXXXXXXXXXXXX-10`);
    expect(locator.status).toBe(400);
    expect(locator.body).toEqual([{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
  });

  it('hides deleted records from query but not from queryAll', async () => {
    const { id } = await conn.sobject('Contact').create({ LastName: 'Soon gone' });
    await conn.sobject('Contact').destroy(id as string);
    const soql = `SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`;
    expect((await conn.query(soql)).totalSize).toBe(0);
    const all = await conn.query<Row>(soql, { scanAll: true });
    expect(all.records).toEqual([expect.objectContaining({ Id: id, IsDeleted: true })]);
  });
});
