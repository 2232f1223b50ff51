import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;
const SF_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000\+0000$/;

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
    const start = new Date(emu.now().getTime() - 60_000);
    const kept = await conn.sobject('Contact').create({ LastName: 'Kept' });
    const gone = await conn.sobject('Contact').create({ LastName: 'Gone' });
    await conn.sobject('Contact').update({ Id: kept.id as string, FirstName: 'Still' });
    await conn.sobject('Contact').destroy(gone.id as string);

    // A window never covers the org's current minute: move its clock past it.
    emu.advanceClock(60_000);
    const end = new Date(emu.now().getTime() + 60_000);
    const updated = (await conn.sobject('Contact').updated(start, end)) as UpdatedResult;
    expect(updated.ids).toEqual([kept.id]);
    expect(updated.latestDateCovered).toMatch(SF_MINUTE);
    expect(Date.parse(updated.latestDateCovered.replace('+0000', 'Z'))).toBeLessThanOrEqual(emu.now().getTime());

    const deleted = (await conn.sobject('Contact').deleted(start, end)) as DeletedResult;
    expect(deleted.deletedRecords).toEqual([{ id: gone.id, deletedDate: expect.stringMatching(SF_DATETIME) }]);
    expect(deleted.earliestDateAvailable).toMatch(SF_DATETIME);
    expect(deleted.latestDateCovered).toMatch(SF_MINUTE);
  });

  it('never misses or repeats a write when latestDateCovered is the next start', async () => {
    let cursor = new Date(emu.now().getTime() - 60_000);
    const seen: string[] = [];
    for (const name of ['First', 'Second']) {
      const { id } = await conn.sobject('Contact').create({ LastName: name });
      emu.advanceClock(60_000);
      const res = (await conn
        .sobject('Contact')
        .updated(cursor, new Date(emu.now().getTime() + 60_000))) as UpdatedResult;
      seen.push(...res.ids);
      cursor = new Date(res.latestDateCovered.replace('+0000', 'Z'));
      expect(seen).toContain(id);
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

  it('ignores the seconds of start and end, and refuses a window under one minute', async () => {
    const frozen = await startSalesforceEmulator({ clock: { start: Date.parse('2026-03-02T10:00:30Z'), rate: 0 } });
    try {
      const c = await connect(frozen);
      const at = (t: string) => new Date(`2026-03-02T${t}Z`);
      const { id } = await c.sobject('Contact').create({ LastName: 'Stamped at 10:00:30' });
      // start and end in the same minute: nothing left once the seconds are dropped.
      for (const kind of ['updated', 'deleted'] as const) {
        await expect(c.sobject('Contact')[kind](at('10:00:05'), at('10:00:59'))).rejects.toMatchObject({
          errorCode: 'INVALID_REPLICATION_DATE',
          message: expect.stringContaining('at least one minute'),
        });
      }
      // The current minute is not over: covered up to 10:00 only, even with an end in the future.
      const early = (await c.sobject('Contact').updated(at('10:00:00'), at('10:05:00'))) as UpdatedResult;
      expect(early).toEqual({ ids: [], latestDateCovered: '2026-03-02T10:00:00.000+0000' });

      frozen.advanceClock(40_000); // 10:01:10
      // 10:00:59 counts as 10:00 and 10:01:10 as 10:01.
      const later = (await c.sobject('Contact').updated(at('10:00:59'), at('10:01:10'))) as UpdatedResult;
      expect(later).toEqual({ ids: [id], latestDateCovered: '2026-03-02T10:01:00.000+0000' });
    } finally {
      await frozen.close();
    }
  });
});
