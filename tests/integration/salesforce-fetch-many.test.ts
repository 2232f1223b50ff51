import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { RateLimiter } from '../../src/platform/rate-limiter.js';
import { SalesforceApi } from '../../src/providers/salesforce/api.js';
import { createSalesforceConnection } from '../../src/providers/salesforce/client.js';
import { SalesforceContactAdapter } from '../../src/providers/salesforce/contact-adapter.js';
import { gatherReads } from '../../src/engine/gathered-reads.js';
import { testLogger } from '../support/harness.js';
import { startSalesforce } from '../support/salesforce.js';

/** The Salesforce adapter's read of many records in one query (`Id IN (...)`), against the emulator. */
describe('Salesforce fetchMany', () => {
  let sf: SalesforceEmulator;
  let adapter: SalesforceContactAdapter;
  let conn: ReturnType<typeof createSalesforceConnection>['conn'];

  beforeAll(async () => {
    sf = await startSalesforce();
    const client = createSalesforceConnection({
      loginUrl: sf.url,
      clientId: 'test-client',
      clientSecret: 'test-secret',
      apiVersion: '62.0',
      clientName: 'catalog-sync',
    });
    conn = client.conn;
    const api = new SalesforceApi(conn, client.ready, new RateLimiter(500), testLogger);
    adapter = new SalesforceContactAdapter(api, { externalIdField: 'Catalog_Sync_Id__c', accountId: undefined });
    await client.ready();
  });
  afterAll(async () => sf?.close());

  const queries = () => sf.requestLog().filter((e) => e.method === 'GET' && /\/queryAll\/?$/.test(e.path)).length;

  it('reads 205 records, one in the recycle bin, one never there and one by its 15-character id, in 2 queries', async () => {
    const ids: string[] = [];
    for (const size of [200, 5]) {
      const made = await conn.sobject('Contact').create(
        Array.from({ length: size }, (_, i) => ({ LastName: `Many ${ids.length + i}` })),
        { allOrNone: true },
      );
      for (const r of made) ids.push(r.id!);
    }
    expect(ids).toHaveLength(205);
    const binned = ids[7]!;
    await conn.sobject('Contact').destroy(binned);
    const never = `003${'Z'.repeat(12)}`; // well formed (15 characters), never made
    const short = ids[100]!.slice(0, 15);
    const asked = [...ids, never, short];
    const before = queries();

    const records = await adapter.fetchMany(asked);

    expect(queries() - before).toBe(2);
    expect(records).toHaveLength(asked.length);
    records.forEach((r, i) => {
      const id = asked[i]!;
      if (id === binned || id === never) expect(r).toMatchObject({ deleted: true });
      else expect(r).toMatchObject({ deleted: false, values: { name: expect.stringMatching(/^Many \d+$/) } });
    });
    expect(records.at(-1)!.externalId).toBe(ids[100]);
    expect(records[3]!.values).toMatchObject({ name: 'Many 3' });
  });

  it('when reads are gathered, a malformed id fails its own read only', async () => {
    const made = await conn.sobject('Contact').create(
      ['One', 'Two', 'Three'].map((LastName) => ({ LastName })),
      { allOrNone: true },
    );
    const [one, two, three] = made.map((r) => r.id!);
    const gathered = gatherReads(adapter);
    const first = gathered.fetch(one!);
    await new Promise((r) => setTimeout(r, 1)); // the first read is in its own query: the next three go together
    // 18 characters with a wrong checksum: Salesforce refuses the whole query (INVALID_QUERY_FILTER_OPERATOR).
    const bad = `${two!.slice(0, 15)}ZZZ`;
    const settled = await Promise.allSettled([two!, bad, three!].map((id) => gathered.fetch(id)));
    await expect(first).resolves.toMatchObject({ deleted: false, values: { name: 'One' } });
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<unknown>).value).toMatchObject({ values: { name: 'Two' } });
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ retryable: false });
  });
});
