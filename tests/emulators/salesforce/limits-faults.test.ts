import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

describe('Salesforce emulator: API limits and injected faults', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ apiLimit: 50 });
    conn = await connect(emu);
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.close());

  it('reports api-usage in Sforce-Limit-Info on every API response', async () => {
    const ok = await rawRequest(conn, `/services/data/v${API_VERSION}/limits`);
    expect(ok.headers.get('sforce-limit-info')).toBe('api-usage=1/50');
    expect(ok.body).toEqual({ DailyApiRequests: { Max: 50, Remaining: 49 } });
    const failed = await rawRequest(conn, `/services/data/v${API_VERSION}/sobjects/Nope`);
    expect(failed.status).toBe(404);
    expect(failed.headers.get('sforce-limit-info')).toBe('api-usage=2/50');

    await conn.query('SELECT COUNT() FROM Contact');
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 3, limit: 50 } });
    expect(emu.apiUsage()).toBe(3);
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily limit is used up', async () => {
    const small = await startSalesforceEmulator({ apiLimit: 2 });
    try {
      const c = await connect(small);
      await c.query('SELECT COUNT() FROM Contact');
      await c.query('SELECT COUNT() FROM Contact');
      await expect(c.query('SELECT COUNT() FROM Contact')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      });
      expect(small.apiUsage()).toBe(2);
    } finally {
      await small.close();
    }
  });

  it('injects REQUEST_LIMIT_EXCEEDED for a number of calls', async () => {
    emu.injectFaults({ status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', count: 2 });
    const create = () => conn.sobject('Contact').create({ LastName: 'Throttled' });
    await expect(create()).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    });
    await expect(create()).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    await expect(create()).resolves.toMatchObject({ success: true });
    expect(emu.requestLog().map((e) => e.status)).toEqual([403, 403, 201]);
  });

  it('injects 503s: jsforce itself retries GETs, writes surface the error', async () => {
    emu.injectFaults({ status: 503, count: 1 });
    await expect(conn.query('SELECT COUNT() FROM Contact')).resolves.toMatchObject({ totalSize: 0 });
    expect(emu.requestLog().map((e) => e.status)).toEqual([503, 200]);

    emu.injectFaults({ status: 503, count: 1 });
    await expect(conn.sobject('Contact').create({ LastName: 'X' })).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
  });

  it('targets faults by path and adds latency', async () => {
    emu.injectFaults({ status: 500, count: 1, path: '/composite/sobjects' });
    await expect(conn.sobject('Contact').create({ LastName: 'Single' })).resolves.toMatchObject({ success: true });
    await expect(conn.sobject('Contact').create([{ LastName: 'Many' }])).rejects.toMatchObject({
      errorCode: 'UNKNOWN_EXCEPTION',
    });

    emu.injectFaults({ latencyMs: 150, count: 1 });
    const started = Date.now();
    await conn.sobject('Contact').create({ LastName: 'Slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    emu.injectFaults({ status: 503, count: 1, path: '/services/oauth2/token' });
    await expect(connect(emu)).rejects.toMatchObject({ name: 'server_unavailable' });
  });

  it('exposes the same controls over HTTP under /_emulator', async () => {
    const post = (name: string, body: unknown) =>
      fetch(`${emu.url}/_emulator/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    await conn.sobject('Contact').create([{ LastName: 'A' }, { LastName: 'B' }, { LastName: 'C' }]);
    expect((await post('query-batch-size', { size: 2 })).status).toBe(200);
    const page = await conn.query('SELECT Id FROM Contact');
    expect(page.records).toHaveLength(2);
    await post('query-batch-size', { size: null });

    expect((await post('faults', { status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', count: 1 })).status).toBe(200);
    await expect(conn.query('SELECT Id FROM Contact')).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });

    const contacts = (await (await fetch(`${emu.url}/_emulator/contacts`)).json()) as Array<{ LastName: string }>;
    expect(contacts.map((c) => c.LastName)).toEqual(['A', 'B', 'C']);
    const log = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as unknown[];
    expect(log.length).toBeGreaterThan(0);

    expect((await post('reset', {})).status).toBe(200);
    expect(emu.contacts()).toEqual([]);
    expect(emu.apiUsage()).toBe(0);
    expect((await post('faults', { count: 0 })).status).toBe(400);
  });

  it('honours Sforce-Query-Options batchSize within 200..2000', async () => {
    await conn.sobject('Contact').create(Array.from({ length: 200 }, (_, i) => ({ LastName: `L${i}` })));
    await conn.sobject('Contact').create(Array.from({ length: 50 }, (_, i) => ({ LastName: `M${i}` })));
    const q = encodeURIComponent('SELECT Id FROM Contact');
    const res = await rawRequest(conn, `/services/data/v${API_VERSION}/query?q=${q}`, {
      headers: { 'Sforce-Query-Options': 'batchSize=10' },
    });
    expect(res.body).toMatchObject({ totalSize: 250, done: false, records: expect.any(Array) });
    expect((res.body as { records: unknown[] }).records).toHaveLength(200);
  });
});
