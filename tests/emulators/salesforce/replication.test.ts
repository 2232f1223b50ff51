import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { expectEventually } from '../../support/eventually.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;

interface UpdatedResult {
  ids: string[];
  latestDateCovered: string;
}
interface DeletedResult {
  deletedRecords: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable: string;
  latestDateCovered: string;
}

describe('Salesforce emulator: getUpdated / getDeleted', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = await connect(emu);
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.close());

  it('lists updated and deleted ids through jsforce sobject().updated() / .deleted()', async () => {
    const start = new Date(Date.now() - 60_000);
    const kept = await conn.sobject('Contact').create({ LastName: 'Kept' });
    const gone = await conn.sobject('Contact').create({ LastName: 'Gone' });
    await conn.sobject('Contact').update({ Id: kept.id as string, FirstName: 'Still' });
    await conn.sobject('Contact').destroy(gone.id as string);

    // Records carry whole-second timestamps and a window never covers the current second, so poll.
    const updated = await expectEventually(async () => {
      const res = (await conn.sobject('Contact').updated(start, new Date(Date.now() + 60_000))) as UpdatedResult;
      expect(res.ids).toEqual([kept.id]);
      return res;
    });
    expect(updated.latestDateCovered).toMatch(SF_DATETIME);
    expect(Date.parse(updated.latestDateCovered.replace('+0000', 'Z'))).toBeLessThanOrEqual(Date.now());

    // The delete may fall in a later second than the update: poll for it too.
    const deleted = await expectEventually(async () => {
      const res = (await conn.sobject('Contact').deleted(start, new Date(Date.now() + 60_000))) as DeletedResult;
      expect(res.deletedRecords).toEqual([{ id: gone.id, deletedDate: expect.stringMatching(SF_DATETIME) }]);
      return res;
    });
    expect(deleted.earliestDateAvailable).toMatch(SF_DATETIME);
    expect(deleted.latestDateCovered).toMatch(SF_DATETIME);
  });

  it('never misses or repeats a write when latestDateCovered is the next start', async () => {
    let cursor = new Date(Date.now() - 60_000);
    const seen: string[] = [];
    for (const name of ['First', 'Second']) {
      const { id } = await conn.sobject('Contact').create({ LastName: name });
      await expectEventually(async () => {
        const res = (await conn.sobject('Contact').updated(cursor, new Date(Date.now() + 60_000))) as UpdatedResult;
        seen.push(...res.ids);
        cursor = new Date(res.latestDateCovered.replace('+0000', 'Z'));
        expect(seen).toContain(id);
      });
    }
    expect(seen).toEqual(emu.contacts().map((c) => c.Id));
  });

  it('accepts Z and +00:00 dates and rejects bad windows', async () => {
    const base = `/services/data/v${API_VERSION}/sobjects/Contact/updated/`;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const ok = await rawRequest(conn, `${base}?start=${iso(now - 3_600_000)}&end=${iso(now)}`);
    expect(ok.status).toBe(200);
    // An unencoded '+' arrives as a space; accepted rather than failing obscurely.
    const yesterday = iso(now - 86_400_000).slice(0, 19);
    const plus = await rawRequest(conn, `${base}?start=${yesterday}+00:00&end=${iso(now)}`);
    expect(plus.status).toBe(200);

    await expect(conn.sobject('Contact').updated(new Date(now), new Date(now - 60_000))).rejects.toMatchObject({
      errorCode: 'INVALID_REPLICATION_DATE',
    });
    await expect(conn.sobject('Contact').updated(new Date(now - 31 * 86_400_000), new Date(now))).rejects.toMatchObject(
      {
        errorCode: 'INVALID_REPLICATION_DATE',
      },
    );
    await expect(conn.sobject('Contact').deleted(new Date(now - 16 * 86_400_000), new Date(now))).rejects.toMatchObject(
      {
        errorCode: 'INVALID_REPLICATION_DATE',
      },
    );
  });

  it('can mirror Salesforce ignoring the seconds of the window', async () => {
    const minuteEmu = await startSalesforceEmulator({ replicationGranularity: 'minute' });
    try {
      const c = await connect(minuteEmu);
      const res = (await c.sobject('Contact').updated(new Date(Date.now() - 600_000), new Date())) as UpdatedResult;
      expect(res.latestDateCovered).toMatch(/:00\.000\+0000$/);
    } finally {
      await minuteEmu.close();
    }
  });
});
