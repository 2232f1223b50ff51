import type { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { expectEventually } from '../../support/eventually.js';
import { ACK, connect, startListener } from './support.js';

const EXT = 'Catalog_Sync_Id__c';
const ORG = '00D5g000000AbCdEAK';

describe('Salesforce emulator: Outbound Messages', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let listener: Awaited<ReturnType<typeof startListener>> | undefined;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({
      orgId: ORG,
      outboundRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    });
    conn = await connect(emu);
  });
  beforeEach(() => emu.reset());
  afterEach(async () => {
    emu.setOutboundMessageUrl(undefined);
    await listener?.close();
    listener = undefined;
  });
  afterAll(() => emu.close());

  it('POSTs a SOAP notifications message for a created Contact and stops once it is acked', async () => {
    listener = await startListener();
    emu.setOutboundMessageUrl(listener.url);
    const { id } = await conn
      .sobject('Contact')
      .create({ FirstName: 'Ada', LastName: 'Lovelace & Co', Email: 'ada@example.com', [EXT]: 'ext-1' });

    const delivered = await expectEventually(() => {
      expect(emu.deliveredNotifications()).toHaveLength(1);
      return emu.deliveredNotifications();
    });
    expect(delivered[0]?.contactId).toBe(id);
    const [msg] = listener.messages;
    expect(listener.messages).toHaveLength(1);
    expect(msg?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(msg?.headers.soapaction).toBe('""');
    expect(msg?.organizationId).toBe(ORG);
    expect(msg?.body).toContain('<notifications xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(msg?.body).toContain('<SessionId xsi:nil="true"/>');
    expect(msg?.body).toMatch(/<ActionId>04k[a-zA-Z0-9]{15}<\/ActionId>/);
    expect(msg?.body).toContain(`<EnterpriseUrl>${emu.url}/services/Soap/c/62.0/${ORG.slice(0, 15)}</EnterpriseUrl>`);
    expect(msg?.body).toContain('<sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">');
    expect(msg?.notifications).toEqual([
      {
        id: delivered[0]?.id,
        contactId: id,
        fields: {
          Id: id,
          FirstName: 'Ada',
          LastName: 'Lovelace &amp; Co',
          Email: 'ada@example.com',
          [EXT]: 'ext-1',
          LastModifiedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
          SystemModstamp: expect.stringMatching(/\.000Z$/),
        },
      },
    ]);
    expect(delivered[0]?.id).toMatch(/^04l[a-zA-Z0-9]{15}$/);
    expect(emu.pendingNotificationCount()).toBe(0);
  });

  it('batches up to 100 notifications per message', async () => {
    listener = await startListener();
    emu.setOutboundMessageUrl(listener.url);
    await conn.sobject('Contact').create(Array.from({ length: 150 }, (_, i) => ({ LastName: `Batch ${i}` })));
    await expectEventually(() => expect(emu.deliveredNotifications()).toHaveLength(150));
    expect(listener.messages.map((m) => m.notifications.length)).toEqual([100, 50]);
  });

  it('redelivers the same notification ids after a 500 or a missing Ack', async () => {
    listener = await startListener((_msg, index) =>
      index === 0
        ? { status: 500, body: 'boom' }
        : index === 1
          ? { status: 200, body: ACK.replace('<Ack>true</Ack>', '<Ack>false</Ack>') }
          : { status: 200, body: ACK },
    );
    emu.setOutboundMessageUrl(listener.url);
    const { id } = await conn.sobject('Contact').create({ LastName: 'Retry me' });

    await expectEventually(() => expect(emu.deliveredNotifications()).toHaveLength(1));
    const seenIds = listener.messages.map((m) => m.notifications.map((n) => n.id));
    expect(seenIds).toHaveLength(3);
    expect(new Set(seenIds.flat()).size).toBe(1);
    expect(emu.deliveredNotifications()).toEqual([{ id: seenIds[0]?.[0], contactId: id }]);
    expect(emu.outboundAttempts().map((a) => [a.status, a.acked])).toEqual([
      [500, false],
      [200, false],
      [200, true],
    ]);
  });

  it('gives up after the configured attempts and survives an unreachable listener', async () => {
    listener = await startListener(() => ({ status: 503, body: '' }));
    emu.setOutboundMessageUrl(listener.url);
    const { id } = await conn.sobject('Contact').create({ LastName: 'Never acked' });
    await expectEventually(() =>
      expect(emu.droppedNotifications()).toEqual([
        { id: expect.any(String), contactId: id, reason: expect.stringContaining('3 attempts') },
      ]),
    );
    expect(listener.messages).toHaveLength(3);

    const deadUrl = listener.url;
    await listener.close();
    listener = undefined;
    emu.setOutboundMessageUrl(deadUrl);
    await conn.sobject('Contact').update({ Id: id as string, FirstName: 'Again' });
    await expectEventually(() =>
      expect(emu.outboundAttempts().filter((a) => a.error?.includes('ECONNREFUSED'))).not.toHaveLength(0),
    );
  });

  it('sends the latest data when it finally delivers; a record deleted first is sent with its Id only', async () => {
    const kept = await conn.sobject('Contact').create({ LastName: 'Draft' });
    await conn.sobject('Contact').update({ Id: kept.id as string, LastName: 'Final' });
    const gone = await conn.sobject('Contact').create({ LastName: 'Deleted soon' });
    await conn.sobject('Contact').destroy(gone.id as string);
    emu.ui.update('Contact', kept.id as string, { Email: 'typed@ui.example.com' });

    listener = await startListener();
    emu.setOutboundMessageUrl(listener.url);
    await expectEventually(() => expect(emu.pendingNotificationCount()).toBe(0));
    const notes = listener.messages.flatMap((m) => m.notifications);
    // Queued: kept (create, update), gone (create; its delete queues nothing), kept (UI edit).
    expect(notes.map((n) => n.contactId).sort()).toEqual([kept.id, kept.id, kept.id, gone.id].sort());
    expect(new Set(notes.map((n) => n.id)).size).toBe(4);
    for (const n of notes.filter((x) => x.contactId === kept.id))
      expect(n.fields).toMatchObject({ LastName: 'Final', Email: 'typed@ui.example.com' });
    // "If the record is deleted before the notification is delivered, the notification contains no data."
    expect(notes.find((n) => n.contactId === gone.id)?.fields).toEqual({ Id: gone.id });
    expect(emu.droppedNotifications()).toEqual([]);
  });
});
