/**
 * What Salesforce does that a kind emulator would hide, end to end through the app: an Outbound Message for a
 * record deleted before it was sent (the Id only, no data), getUpdated/getDeleted windows in whole minutes of
 * Salesforce's time, and a purged delete log (getDeleted's earliestDateAvailable) that only a full resync
 * recovers from. The org's clock is frozen and moved by hand, so "a minute later" takes no real minute.
 */
import type { RequestLogEntry, SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { salesforceEnv, startSalesforce } from '../support/salesforce.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const REPLICATION = /\/sobjects\/Contact\/(updated|deleted)\/?$/;
const SERVER_TIME = /^\/services\/Soap\/u\//;

describe('Salesforce realism: deleted-record notifications, minute windows, purged delete log', () => {
  let t: TestApp;
  let sf: SalesforceEmulator;

  beforeAll(async () => {
    sf = await startSalesforce({ clock: { start: T0, rate: 0 } });
    t = await startTestApp({ SYNC_PROVIDERS: 'SALESFORCE', ...salesforceEnv(sf) });
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
  });
  afterAll(async () => {
    await t?.stop();
    await sf?.close();
  });

  const api = () => customersApi(t);
  /** A customer created here and SYNCED to a Contact; returns both ids. */
  const syncedCustomer = async (name: string, email: string) => {
    const c = await api().create(name, email);
    const s = await api().synced(c.id, 'SALESFORCE', 1);
    return { id: c.id, contactId: present(s.externalId, 'Contact id') };
  };
  const replicationCalls = (): RequestLogEntry[] => sf.requestLog().filter((e) => REPLICATION.test(e.path));
  /** Waits until the poller has asked Salesforce for the time `n` more times (it runs every 300 ms). */
  const pollsPass = async (n = 3) => {
    const count = () => sf.requestLog().filter((e) => SERVER_TIME.test(e.path)).length;
    const before = count();
    await expectEventually(() => expect(count()).toBeGreaterThanOrEqual(before + n));
  };

  it('applies a delete announced by a notification that carries only the Id', async () => {
    const { id, contactId } = await syncedCustomer('Dora Deleted', 'dora@example.com');
    // Edited, then deleted before Salesforce got to send the edit's notification.
    sf.setOutboundMessageUrl(undefined);
    sf.ui.update('Contact', contactId, { LastName: 'Edited' });
    sf.ui.delete('Contact', contactId);
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);

    await expectEventually(async () => expect((await api().get(id)).deletedAt).not.toBeNull());
    expect(sf.outboundNotifications('Contact').map((n) => n.recordId)).toContain(contactId);
    expect(sf.droppedOutboundNotifications()).toEqual([]);
    // The org's clock has not left its first minute: no poll window yet, so the notification did it.
    expect(replicationCalls()).toEqual([]);
  });

  it('polls whole minutes of Salesforce time only: nothing within the minute, the change once it is over', async () => {
    const { id, contactId } = await syncedCustomer('Paula Polled', 'paula@example.com');
    sf.setOutboundMessageUrl(undefined); // only the poll can tell from here on
    sf.ui.update('Contact', contactId, { LastName: 'Edited' }); // 10:00:00
    await pollsPass();
    expect(replicationCalls()).toEqual([]);

    sf.advanceClock(60_000); // 10:01:00: the window [10:00, 10:01) is complete
    await expectEventually(async () => expect(await api().get(id)).toMatchObject({ name: 'Paula Edited', version: 2 }));

    // The same values saved again come up in the next window: re-read, nothing changes.
    sf.ui.update('Contact', contactId, { LastName: 'Edited' }); // 10:01:00
    const before = replicationCalls().length;
    sf.advanceClock(60_000); // 10:02:00
    await expectEventually(() => expect(replicationCalls().length).toBeGreaterThanOrEqual(before + 2));
    await pollsPass();
    expect(await api().get(id)).toMatchObject({ name: 'Paula Edited', version: 2 });

    // A delete 30 s into a minute waits for that minute to end.
    sf.advanceClock(30_000); // 10:02:30
    sf.ui.delete('Contact', contactId);
    const sameMinute = replicationCalls().length;
    sf.advanceClock(20_000); // 10:02:50
    await pollsPass();
    expect(replicationCalls()).toHaveLength(sameMinute);
    expect((await api().get(id)).deletedAt).toBeNull();
    sf.advanceClock(10_000); // 10:03:00
    await expectEventually(async () => expect((await api().get(id)).deletedAt).not.toBeNull());

    // Never a window Salesforce refuses: every call spanned at least a minute.
    expect(replicationCalls().filter((e) => e.status !== 200)).toEqual([]);
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
  });

  it('resyncs fully when the delete log was purged, applying deletes from the purged period', async () => {
    const kept = await syncedCustomer('Rita Renamed', 'rita@example.com');
    const gone = await syncedCustomer('Gus Gone', 'gus@example.com');
    sf.advanceClock(60_000); // the poller's cursor moves on to the current minute
    const polledTo = replicationCalls().length;
    await expectEventually(() => expect(replicationCalls().length).toBeGreaterThanOrEqual(polledTo + 2));

    sf.setOutboundMessageUrl(undefined);
    sf.ui.delete('Contact', gone.contactId);
    sf.ui.update('Contact', kept.contactId, { LastName: 'Renamed Again' });
    sf.ui.create('Contact', { FirstName: 'Nina', LastName: 'Newcomer', Email: 'nina@example.com' });
    sf.advanceClock(5_000);
    // The recycle bin is emptied: the delete is in neither getDeleted nor queryAll any more.
    expect(sf.purgeDeletedBefore()).toBeGreaterThanOrEqual(1);
    expect(sf.records('Contact', { includeDeleted: true }).map((c) => c.Id)).not.toContain(gone.contactId);

    const refusedBefore = replicationCalls().filter((e) => e.status === 400).length;
    sf.advanceClock(60_000);
    await expectEventually(() =>
      expect(replicationCalls().filter((e) => e.status === 400).length).toBeGreaterThan(refusedBefore),
    );
    await expectEventually(async () => expect((await api().get(gone.id)).deletedAt).not.toBeNull());
    await expectEventually(async () => expect((await api().get(kept.id)).name).toBe('Rita Renamed Again'));
    await expectEventually(async () =>
      expect((await api().byEmail('nina@example.com')).map((c) => c.name)).toEqual(['Nina Newcomer']),
    );

    // The cursor was reset to Salesforce's "now": the next minute polls normally again.
    const ok = replicationCalls().filter((e) => e.status === 200).length;
    sf.advanceClock(60_000);
    await expectEventually(() =>
      expect(replicationCalls().filter((e) => e.status === 200).length).toBeGreaterThanOrEqual(ok + 2),
    );
    sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
  });
});
