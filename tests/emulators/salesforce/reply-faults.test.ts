import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { expectEventually } from '../../support/eventually.js';
import { connect } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
/** The paths jsforce calls for array DML on Contact (see emulators/salesforce/README.md). */
const UPSERT = { method: 'PATCH', path: `/composite/sobjects/Contact/${EXT}` };
const UPDATE = { method: 'PATCH', path: '/composite/sobjects$' };
const DESTROY = { method: 'DELETE', path: '/composite/sobjects' };

/** Tracks whether a promise has settled, to assert that a held reply has not arrived yet. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const settle = () => {
    done = true;
  };
  promise.then(settle, settle);
  return { promise, settled: () => done };
}

async function control(emu: SalesforceEmulator, method: string, name: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator/${name}`, {
    method,
    ...(body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('Salesforce emulator: faults on replies (phase after, dropConnection, hold, method)', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  /** A second client: "a person in Salesforce" acting while our reply is held. */
  let person: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = await connect(emu, { client: 'catalog-sync' });
    person = await connect(emu, { client: 'person' });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.close());

  const upsert = (c: Connection, extId: string, lastName: string) =>
    c.sobject('Contact').upsert([{ LastName: lastName, [EXT]: extId }], EXT);

  it('after-phase status: the upsert is committed, the reply lost, and a retry finds the record', async () => {
    emu.injectFaults({ ...UPSERT, phase: 'after', status: 503, count: 1 });

    await expect(upsert(conn, 'ext-1', 'Lost')).rejects.toMatchObject({ errorCode: 'SERVER_UNAVAILABLE' });
    const [applied] = emu.contacts();
    expect(applied).toMatchObject({ LastName: 'Lost', [EXT]: 'ext-1' });

    const retried = await upsert(conn, 'ext-1', 'Lost');
    expect(retried).toEqual([{ id: applied?.Id, success: true, errors: [], created: false }]);
    expect(emu.contacts()).toHaveLength(1);
    expect(emu.requestLog().map((e) => [e.method, e.status])).toEqual([
      ['PATCH', 503],
      ['PATCH', 200],
    ]);
  });

  it('dropConnection after the call: jsforce gets a network error, the update is committed', async () => {
    const [created] = await upsert(conn, 'ext-2', 'Before');
    emu.injectFaults({ ...UPDATE, phase: 'after', dropConnection: true, count: 1 });

    const error = await conn
      .sobject('Contact')
      .update([{ Id: created?.id ?? '', LastName: 'After' }])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'FetchError', code: 'ECONNRESET' });
    expect(emu.contacts()).toEqual([expect.objectContaining({ Id: created?.id, LastName: 'After' })]);
    expect(emu.requestLog().map((e) => e.status)).toEqual([200, 0]);
  });

  it('dropConnection before the call: a network error and nothing committed', async () => {
    emu.injectFaults({ ...UPSERT, dropConnection: true, count: 1 });

    await expect(upsert(conn, 'ext-3', 'Never')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(emu.contacts()).toEqual([]);
  });

  it('hold: the upsert is visible and editable at once, its reply waits for release()', async () => {
    emu.injectFaults({ ...UPSERT, hold: 'upsert', count: 1 });

    const pending = track(upsert(conn, 'ext-4', 'Held'));
    await expectEventually(() => expect(emu.held()).toHaveLength(1));
    expect(emu.held()).toEqual([
      {
        hold: 'upsert',
        method: 'PATCH',
        path: `/services/data/v62.0/composite/sobjects/Contact/${EXT}`,
        since: expect.stringMatching(/^\d{4}-.+Z$/),
      },
    ]);

    // During the hold: the record is queryable and a second client can change it.
    const found = await person.query<{ Id: string; LastName: string }>(
      `SELECT Id, LastName FROM Contact WHERE ${EXT} = 'ext-4'`,
    );
    expect(found.records).toEqual([expect.objectContaining({ LastName: 'Held' })]);
    const id = found.records[0]?.Id ?? '';
    await person.sobject('Contact').update({ Id: id, LastName: 'Changed by a person' });
    expect(pending.settled()).toBe(false);

    expect(emu.release('other-gate')).toBe(0);
    expect(emu.release('upsert')).toBe(1);
    await expect(pending.promise).resolves.toEqual([{ id, success: true, errors: [], created: true }]);
    expect(emu.held()).toEqual([]);
    expect(emu.contacts()).toEqual([expect.objectContaining({ Id: id, LastName: 'Changed by a person' })]);
    expect(emu.lastModifiedClient(id)).toBe('person');
  });

  it('hold with status: released, then answered with the error while the change stays committed', async () => {
    emu.injectFaults({ ...UPSERT, hold: 'gate', status: 500, count: 1 });

    const pending = upsert(conn, 'ext-5', 'Held then lost').catch((e: unknown) => e);
    await expectEventually(() => expect(emu.held()).toHaveLength(1));
    emu.release();

    expect(await pending).toMatchObject({ errorCode: 'UNKNOWN_EXCEPTION' });
    expect(emu.contacts()).toEqual([expect.objectContaining({ LastName: 'Held then lost' })]);
  });

  it('reset() answers held replies and keeps them out of the new request log', async () => {
    emu.injectFaults({ ...UPSERT, hold: 'gate', count: 1 });
    const pending = upsert(conn, 'ext-6', 'Reset');
    await expectEventually(() => expect(emu.held()).toHaveLength(1));

    emu.reset();

    await expect(pending).resolves.toEqual([expect.objectContaining({ success: true, created: true })]);
    expect(emu.held()).toEqual([]);
    expect(emu.requestLog()).toEqual([]);
  });

  it('close() answers held replies instead of hanging', async () => {
    const other = await startSalesforceEmulator();
    const c = await connect(other);
    other.injectFaults({ hold: 'gate', count: 1 });
    const pending = c.sobject('Contact').create({ LastName: 'Closing' });
    await expectEventually(() => expect(other.held()).toHaveLength(1));

    await other.close();

    await expect(pending).resolves.toMatchObject({ success: true });
  });

  it('method + path single out Collections upsert, update and destroy', async () => {
    const [created] = await upsert(conn, 'ext-7', 'Target');
    const id = created?.id ?? '';
    // 403 because jsforce itself retries DELETE (and GET) on 5xx.
    emu.injectFaults({ ...DESTROY, status: 403, count: 1 });
    emu.injectFaults({ ...UPDATE, status: 403, count: 1 });
    emu.injectFaults({ ...UPSERT, status: 403, count: 1 });
    const rejected = { errorCode: 'REQUEST_LIMIT_EXCEEDED' };

    await expect(conn.query('SELECT Id FROM Contact')).resolves.toMatchObject({ totalSize: 1 });
    await expect(conn.sobject('Contact').update({ Id: id, FirstName: 'Single' })).resolves.toMatchObject({
      success: true,
    });
    await expect(upsert(conn, 'ext-7', 'Target')).rejects.toMatchObject(rejected);
    await expect(conn.sobject('Contact').update([{ Id: id, FirstName: 'Many' }])).rejects.toMatchObject(rejected);
    await expect(conn.sobject('Contact').destroy([id])).rejects.toMatchObject(rejected);
    await expect(conn.sobject('Contact').destroy([id])).resolves.toEqual([{ id, success: true, errors: [] }]);
  });

  it('holds and releases over the control endpoints', async () => {
    expect(await control(emu, 'POST', 'faults', { ...UPSERT, hold: 'http', count: 1 })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const pending = upsert(conn, 'ext-8', 'Over HTTP');
    await expectEventually(() => expect(emu.held()).toHaveLength(1));

    expect(await control(emu, 'GET', 'held')).toEqual({ status: 200, body: emu.held() });
    expect(await control(emu, 'POST', 'release', { hold: 'http' })).toEqual({ status: 200, body: { released: 1 } });
    await expect(pending).resolves.toEqual([expect.objectContaining({ success: true })]);
    expect(await control(emu, 'POST', 'release', {})).toEqual({ status: 200, body: { released: 0 } });
  });

  it('rejects invalid fault fields with 400 and clear messages', async () => {
    const invalid: Array<[Record<string, unknown>, RegExp]> = [
      [{ count: 1, status: 500, phase: 'during' }, /phase/],
      [{ count: 1, hold: '' }, /hold/],
      [{ count: 1, hold: 7 }, /hold/],
      [{ count: 1, hold: 'g', phase: 'before' }, /after the call is applied/],
      [{ count: 1, status: 500, method: 42 }, /HTTP method/],
      [{ count: 1, dropConnection: 'yes' }, /dropConnection must be a boolean/],
      [{ count: 1, dropConnection: true, status: 500 }, /both answer a status and drop/],
      [{ count: 1, status: 'boom' }, /status/],
      [{ count: 1, phase: 'after' }, /needs a status/],
    ];
    for (const [body, message] of invalid) {
      const res = await control(emu, 'POST', 'faults', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toEqual([{ errorCode: 'BAD_REQUEST', message: expect.stringMatching(message) }]);
    }
    expect((await control(emu, 'POST', 'release', { hold: 1 })).status).toBe(400);
    expect(() => emu.injectFaults({ count: 1, hold: 'g', phase: 'before' })).toThrow(/phase/);
  });
});
