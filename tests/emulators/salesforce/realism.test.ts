/**
 * Salesforce's time rules, on the emulator's own clock (frozen here, moved by hand): Outbound Message
 * redelivery (15 s doubling, at most 2 h apart, dropped at 24 h), getServerTimestamp, and a purged delete log
 * (getDeleted's earliestDateAvailable).
 */
import type { Connection } from 'jsforce';
import {
  SALESFORCE_OUTBOUND_RETRY,
  startSalesforceEmulator,
  type SalesforceEmulator,
} from '../../../emulators/salesforce/index.js';
import { expectEventually } from '../../support/eventually.js';
import { API_VERSION, connect, rawRequest, startListener } from './support.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const SECOND = 1000;
const HOUR = 3_600_000;

/** A control call: a round trip through the emulator's event loop, after which a due pump has started. */
async function control(emu: SalesforceEmulator, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('Salesforce emulator: time rules on its clock', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let listener: Awaited<ReturnType<typeof startListener>> | undefined;

  beforeEach(async () => {
    emu = await startSalesforceEmulator({ clock: { start: T0, rate: 0 } });
    conn = await connect(emu);
  });
  afterEach(async () => {
    await emu.close();
    await listener?.close();
    listener = undefined;
  });

  it('redelivers 15 s after a failure, doubling up to 2 h apart, and drops a notification at 24 h', async () => {
    expect(SALESFORCE_OUTBOUND_RETRY).toEqual({ baseDelayMs: 15 * SECOND, maxDelayMs: 2 * HOUR, maxAgeMs: 24 * HOUR });
    const sentAt: number[] = [];
    listener = await startListener(() => {
      sentAt.push(emu.now().getTime());
      return { status: 503, body: '' };
    });
    emu.setOutboundMessageUrl(listener.url);
    const { id } = await conn.sobject('Contact').create({ LastName: 'Unlucky' });
    await expectEventually(() => expect(emu.outboundAttempts()).toHaveLength(1));

    // Not a second early.
    emu.advanceClock(14 * SECOND);
    await control(emu, 'clock');
    expect(sentAt).toHaveLength(1);
    emu.advanceClock(SECOND);
    await expectEventually(() => expect(emu.outboundAttempts()).toHaveLength(2));

    // 30 s, 1 min, ... 64 min, then 2 h apart until the notification is 24 h old.
    const intervals = [30, 60, 120, 240, 480, 960, 1920, 3840].map((s) => s * SECOND);
    const sentSoFar = () => 15 * SECOND + intervals.reduce((sum, ms) => sum + ms, 0);
    while (sentSoFar() + 2 * HOUR < 24 * HOUR) intervals.push(2 * HOUR);
    for (const [i, interval] of intervals.entries()) {
      emu.advanceClock(interval);
      await expectEventually(() => expect(emu.outboundAttempts()).toHaveLength(i + 3));
    }
    expect(sentAt.slice(1).map((t, i) => t - (sentAt[i] ?? 0))).toEqual([15 * SECOND, ...intervals]);
    expect(emu.droppedNotifications()).toEqual([]);

    emu.setClock(T0 + 24 * HOUR);
    await expectEventually(() =>
      expect(emu.droppedNotifications()).toEqual([
        { id: expect.any(String), contactId: id, reason: expect.stringContaining('not acknowledged within') },
      ]),
    );
    expect(emu.pendingNotificationCount()).toBe(0);
  });

  it('answers getServerTimestamp with its clock, and moves the clock through the control API', async () => {
    expect(await conn.soap.getServerTimestamp()).toEqual({ timestamp: '2026-03-02T10:00:00.000Z' });
    expect(await control(emu, 'clock', { advanceMs: 90_000 })).toEqual({ now: '2026-03-02T10:01:30.000Z' });
    expect(await control(emu, 'clock', { now: '2026-03-03T00:00:00Z' })).toEqual({ now: '2026-03-03T00:00:00.000Z' });
    expect(await conn.soap.getServerTimestamp()).toEqual({ timestamp: '2026-03-03T00:00:00.000Z' });
    // Records are stamped with it too.
    const { id } = await conn.sobject('Contact').create({ LastName: 'Stamped' });
    expect(emu.contacts().find((c) => c.Id === id)?.CreatedDate).toBe('2026-03-03T00:00:00.000+0000');
    expect((await fetch(`${emu.url}/_emulator/clock`, { method: 'POST', body: '{"rate":-1}' })).status).toBe(400);

    // An expired session is refused as Salesforce's SOAP API does, and jsforce logs in again.
    emu.expireSessions();
    expect(await conn.soap.getServerTimestamp()).toEqual({ timestamp: '2026-03-03T00:00:00.000Z' });
  });

  it('purges the delete log: deleted records leave queryAll, and getDeleted refuses an older start', async () => {
    const gone = await conn.sobject('Contact').create({ LastName: 'Purged' });
    await conn.sobject('Contact').destroy(gone.id as string);
    emu.advanceClock(2 * 60_000); // 10:02
    const deleted = (await conn.sobject('Contact').deleted(new Date(T0), emu.now())) as {
      deletedRecords: Array<{ id: string }>;
    };
    expect(deleted.deletedRecords.map((r) => r.id)).toEqual([gone.id]);

    expect(await control(emu, 'purge-deleted', {})).toEqual({ purged: 1, now: '2026-03-02T10:02:00.000Z' });
    const all = await conn.query(`SELECT Id FROM Contact WHERE Id = '${gone.id as string}'`, { scanAll: true });
    expect(all.records).toEqual([]);
    await expect(conn.sobject('Contact').deleted(new Date(T0), emu.now())).rejects.toMatchObject({
      errorCode: 'INVALID_REPLICATION_DATE',
      message: expect.stringContaining('earliestDateAvailable'),
    });
    // getUpdated has no such limit; getDeleted from the cut-off on answers, and says where it is.
    await expect(conn.sobject('Contact').updated(new Date(T0), emu.now())).resolves.toBeDefined();
    emu.advanceClock(60_000);
    const after = await rawRequest(
      conn,
      `/services/data/v${API_VERSION}/sobjects/Contact/deleted/?start=2026-03-02T10:02:00Z&end=2026-03-02T10:03:00Z`,
    );
    expect(after.body).toEqual({
      deletedRecords: [],
      earliestDateAvailable: '2026-03-02T10:02:00.000+0000',
      latestDateCovered: '2026-03-02T10:03:00.000+0000',
    });
    // In process, with a date.
    expect(emu.purgeDeletedBefore(new Date(T0))).toBe(0);
  });

  it('close() and reset() stop pending redelivery at once', async () => {
    const other = await startSalesforceEmulator(); // realistic 15 s .. 2 h schedule on the wall clock
    const c = await connect(other);
    listener = await startListener(() => ({ status: 500, body: '' }));
    other.setOutboundMessageUrl(listener.url);
    await c.sobject('Contact').create({ LastName: 'Pending' });
    await expectEventually(() => expect(other.outboundAttempts()).toHaveLength(1));
    other.reset();
    expect(other.pendingNotificationCount()).toBe(0);
    await c.sobject('Contact').create({ LastName: 'Pending again' });
    await expectEventually(() => expect(other.outboundAttempts()).toHaveLength(1));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
