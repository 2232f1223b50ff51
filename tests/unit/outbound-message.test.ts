import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startSalesforceEmulator } from '../../emulators/salesforce/index.js';
import {
  ACK_RESPONSE,
  MAX_NOTIFICATIONS,
  parseOutboundMessage,
  sameOrgId,
  soapFault,
  type OutboundMessage,
} from '../../src/providers/salesforce/outbound-message.js';

const ORG = '00D5g000000AbCdEAK';
const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';

/** The envelope exactly as emulators/salesforce/outbound.ts (and Salesforce) builds it. */
function envelope(notifications: string, opts: { ns?: string; org?: string | null } = {}): string {
  const org = opts.org === undefined ? ORG : opts.org;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body>' +
    `<notifications xmlns="${opts.ns ?? OUTBOUND_NS}">` +
    (org === null ? '' : `<OrganizationId>${org}</OrganizationId>`) +
    '<ActionId>04k5g000000AbCdEAK</ActionId>' +
    '<SessionId xsi:nil="true"/>' +
    `<EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/62.0/${ORG.slice(0, 15)}</EnterpriseUrl>` +
    `<PartnerUrl>https://example.my.salesforce.com/services/Soap/u/62.0/${ORG.slice(0, 15)}</PartnerUrl>` +
    notifications +
    '</notifications>' +
    '</soapenv:Body>' +
    '</soapenv:Envelope>'
  );
}

const notification = (id: string, fields: string, type = 'sf:Contact') =>
  `<Notification><Id>${id}</Id>` +
  `<sObject xsi:type="${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject>` +
  `</Notification>`;

function parsed(xml: string): OutboundMessage {
  const result = parseOutboundMessage(xml);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.message;
}

function reason(xml: string): string {
  const result = parseOutboundMessage(xml);
  if (result.ok) throw new Error('expected the message to be refused');
  return result.reason;
}

/** Best of a few runs, in ms (the minimum is the least noisy estimate of the real cost). */
function timeParse(xml: string, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    parseOutboundMessage(xml);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('parseOutboundMessage: accepted messages', () => {
  it('parses a 2-notification message shaped like the emulator', () => {
    const xml = envelope(
      notification(
        '04l5g000000AAAAAA1',
        '<sf:Id>0035g000000AAAAAA1</sf:Id><sf:FirstName>Ada</sf:FirstName><sf:LastName>Lovelace</sf:LastName>' +
          '<sf:Email>ada@example.com</sf:Email><sf:Catalog_Sync_Id__c>ext-1</sf:Catalog_Sync_Id__c>' +
          '<sf:LastModifiedDate>2025-01-02T03:04:05.000Z</sf:LastModifiedDate>',
      ) +
        notification(
          '04l5g000000AAAAAA2',
          '<sf:Id>0015g000000AAAAAA2</sf:Id><sf:Name>Analytical Engines</sf:Name>',
          'sf:Account',
        ),
    );
    expect(parseOutboundMessage(xml)).toEqual({
      ok: true,
      message: {
        organizationId: ORG,
        actionId: '04k5g000000AbCdEAK',
        notifications: [
          {
            id: '04l5g000000AAAAAA1',
            sObjectType: 'Contact',
            fields: {
              Id: '0035g000000AAAAAA1',
              FirstName: 'Ada',
              LastName: 'Lovelace',
              Email: 'ada@example.com',
              Catalog_Sync_Id__c: 'ext-1',
              LastModifiedDate: '2025-01-02T03:04:05.000Z',
            },
          },
          {
            id: '04l5g000000AAAAAA2',
            sObjectType: 'Account',
            fields: { Id: '0015g000000AAAAAA2', Name: 'Analytical Engines' },
          },
        ],
      },
    });
  });

  it('accepts what the Salesforce emulator actually POSTs', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(ACK_RESPONSE);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const emu = await startSalesforceEmulator({ orgId: ORG });
    try {
      emu.setOutboundMessageUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // Two creates inside the emulator's batch window share one message.
      const ada = emu.ui.create('Contact', {
        FirstName: 'Ada',
        LastName: 'Lovelace & <Co>',
        Email: 'ada@example.com',
        Catalog_Sync_Id__c: 'ext-1',
      });
      const rene = emu.ui.create('Contact', { FirstName: 'René', LastName: 'O\'Brien "Q"' });
      const deadline = Date.now() + 10_000;
      while (emu.deliveredNotifications().length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(emu.deliveredNotifications()).toHaveLength(2);
      expect(bodies).toHaveLength(1);

      const message = parsed(bodies[0]!);
      expect(message.organizationId).toBe(ORG);
      expect(sameOrgId(message.organizationId, ORG.slice(0, 15))).toBe(true);
      expect(message.actionId).toMatch(/^04k[a-zA-Z0-9]{15}$/);
      expect(message.notifications.map((n) => n.id)).toEqual(emu.deliveredNotifications().map((d) => d.id));
      expect(message.notifications).toEqual([
        {
          id: expect.stringMatching(/^04l/),
          sObjectType: 'Contact',
          fields: {
            Id: ada,
            FirstName: 'Ada',
            LastName: 'Lovelace & <Co>',
            Email: 'ada@example.com',
            Catalog_Sync_Id__c: 'ext-1',
            LastModifiedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
            SystemModstamp: expect.stringMatching(/\.000Z$/),
          },
        },
        {
          id: expect.stringMatching(/^04l/),
          sObjectType: 'Contact',
          // Null fields are left out by the emulator, as in enterprise-style payloads.
          fields: expect.objectContaining({ Id: rene, FirstName: 'René', LastName: 'O\'Brien "Q"' }),
        },
      ]);
    } finally {
      await emu.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps xsi:nil fields to the empty string', () => {
    const message = parsed(
      envelope(
        notification(
          '04l1',
          '<sf:Id>003A</sf:Id><sf:FirstName xsi:nil="true"/><sf:Email xsi:nil="true"></sf:Email><sf:LastName>King</sf:LastName>',
        ),
      ),
    );
    expect(message.notifications[0]!.fields).toEqual({ Id: '003A', FirstName: '', Email: '', LastName: 'King' });
  });

  it('decodes entities and character references exactly once, and keeps field text untrimmed', () => {
    const message = parsed(
      envelope(
        notification(
          ' 04l1 ',
          '<sf:Id>003A</sf:Id><sf:FirstName>Ren&#233;e &#x1F600;</sf:FirstName>' +
            '<sf:LastName>Ada &amp; Co &lt;3 &gt; &quot;x&quot; &apos;y&apos;</sf:LastName>' +
            '<sf:Description> &amp;lt;b&amp;gt; stays encoded </sf:Description>' +
            '<sf:Title><![CDATA[<raw & text>]]></sf:Title>',
        ),
      ),
    );
    expect(message.notifications[0]).toEqual({
      id: '04l1',
      sObjectType: 'Contact',
      fields: {
        Id: '003A',
        FirstName: 'Renée 😀',
        LastName: 'Ada & Co <3 > "x" \'y\'',
        Description: ' &lt;b&gt; stays encoded ',
        Title: '<raw & text>',
      },
    });
  });

  it('matches by local name whatever the prefixes, and defaults a missing xsi:type to Unknown', () => {
    const xml =
      '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">' +
      `<e:Body><o:notifications xmlns:o="${OUTBOUND_NS}"><o:OrganizationId> ${ORG} </o:OrganizationId>` +
      '<o:Notification><o:Id>04l1</o:Id><o:sObject i:type="x:Lead" xmlns:x="urn:sobject.enterprise.soap.sforce.com">' +
      '<x:Id>00Q1</x:Id><Company>Acme</Company></o:sObject></o:Notification>' +
      '<o:Notification><o:Id>04l2</o:Id><o:sObject><Id>0032</Id></o:sObject></o:Notification>' +
      '</o:notifications></e:Body></e:Envelope>';
    expect(parsed(xml)).toEqual({
      organizationId: ORG,
      actionId: undefined,
      notifications: [
        { id: '04l1', sObjectType: 'Lead', fields: { Id: '00Q1', Company: 'Acme' } },
        { id: '04l2', sObjectType: 'Unknown', fields: { Id: '0032' } },
      ],
    });
  });

  it('keeps a field named __proto__ as data, not as the prototype', () => {
    const fields = parsed(envelope(notification('04l1', '<sf:Id>003A</sf:Id><sf:__proto__>x</sf:__proto__>')))
      .notifications[0]!.fields;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe('x');
  });

  it(`accepts exactly ${MAX_NOTIFICATIONS} notifications`, () => {
    const xml = envelope(
      Array.from({ length: MAX_NOTIFICATIONS }, (_, i) => notification(`04l${i}`, `<sf:Id>003${i}</sf:Id>`)).join(''),
    );
    expect(parsed(xml).notifications).toHaveLength(MAX_NOTIFICATIONS);
  });
});

describe('parseOutboundMessage: refused messages', () => {
  it('refuses any DOCTYPE, with or without entity declarations', () => {
    const billionLaughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>' +
      envelope(notification('04l1', '<sf:Id>003A</sf:Id><sf:FirstName>&lol2;</sf:FirstName>')).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '',
      );
    const xxe =
      '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      envelope(notification('04l1', '<sf:Id>&xxe;</sf:Id>')).replace('<?xml version="1.0" encoding="UTF-8"?>', '');
    const plain = '<!DOCTYPE Envelope>' + envelope('').replace('<?xml version="1.0" encoding="UTF-8"?>', '');
    for (const xml of [billionLaughs, xxe, plain])
      expect(parseOutboundMessage(xml)).toEqual({ ok: false, reason: 'DTDs are not allowed in SOAP messages' });
  });

  it('refuses processing instructions (SOAP 1.1 forbids them)', () => {
    expect(reason(envelope('<?evil stuff?>'))).toBe('processing instructions are not allowed in SOAP messages');
  });

  it('refuses invalid character references without throwing', () => {
    for (const ref of ['&#1114112;', '&#0;', '&#xD800;', '&#x1;', '&#99999999999999999999;']) {
      const xml = envelope(notification('04l1', `<sf:Id>003A</sf:Id><sf:FirstName>a${ref}b</sf:FirstName>`));
      let result: ReturnType<typeof parseOutboundMessage> | undefined;
      expect(() => (result = parseOutboundMessage(xml))).not.toThrow();
      expect(result).toEqual({
        ok: false,
        reason: expect.stringMatching(/^malformed XML: .*malformed character entity/),
      });
    }
  });

  it('refuses undefined entities (only the five predefined ones exist without a DTD)', () => {
    expect(reason(envelope(notification('04l1', '<sf:Id>&nbsp;</sf:Id>')))).toMatch(
      /^malformed XML: .*undefined entity/,
    );
  });

  it('refuses malformed XML, including undeclared namespace prefixes', () => {
    const ok = envelope(notification('04l1', '<sf:Id>003A</sf:Id>'));
    const broken = [
      '',
      'not xml at all',
      ok.replace('</notifications>', ''),
      ok.replace('</sf:Id>', '</sf:Idx>'),
      ok + '<trailing/>',
      ok.replace(' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', ''),
    ];
    for (const xml of broken) expect(reason(xml)).toMatch(/^malformed XML: /);
  });

  it('refuses documents that are not Salesforce outbound messages', () => {
    const notOutbound = 'not a Salesforce outbound message';
    expect(reason('<foo/>')).toBe(notOutbound);
    expect(reason(envelope(notification('04l1', '<sf:Id>003A</sf:Id>'), { ns: 'http://example.com/outbound' }))).toBe(
      notOutbound,
    );
    expect(reason(envelope(notification('04l1', '<sf:Id>003A</sf:Id>'), { org: null }))).toBe(notOutbound);
    expect(reason(envelope('', { org: '   ' }))).toBe(notOutbound);
    // notifications outside Envelope/Body does not count.
    expect(
      reason(
        `<Envelope><notifications xmlns="${OUTBOUND_NS}"><OrganizationId>${ORG}</OrganizationId></notifications></Envelope>`,
      ),
    ).toBe(notOutbound);
  });

  it(`stops as soon as notification number ${MAX_NOTIFICATIONS + 1} opens`, () => {
    const many = Array.from({ length: MAX_NOTIFICATIONS + 1 }, (_, i) =>
      notification(`04l${i}`, `<sf:Id>003${i}</sf:Id>`),
    );
    expect(reason(envelope(many.join('')))).toBe(`at most ${MAX_NOTIFICATIONS} notifications per message`);
    // The rest of the document is never parsed: trailing garbage does not change the answer.
    const truncated = envelope(many.join('')).split('</notifications>')[0] + '<<<&#0;';
    expect(reason(truncated)).toBe(`at most ${MAX_NOTIFICATIONS} notifications per message`);
  });

  it('bounds nesting depth and fields per sObject', () => {
    expect(reason(envelope(notification('04l1', '<a>'.repeat(40) + '</a>'.repeat(40))))).toMatch(/nested deeper than/);
    const fields = Array.from({ length: 501 }, (_, i) => `<sf:F${i}__c>v</sf:F${i}__c>`).join('');
    expect(reason(envelope(notification('04l1', fields)))).toBe('at most 500 fields per sObject');
    const fine = Array.from({ length: 500 }, (_, i) => `<sf:F${i}__c>v</sf:F${i}__c>`).join('');
    expect(Object.keys(parsed(envelope(notification('04l1', fine))).notifications[0]!.fields)).toHaveLength(500);
  });

  it('rejects a 1 MiB body of unclosed tags in linear time (well under 20x a valid 1 MiB parse)', () => {
    const MiB = 1024 * 1024;
    // A valid message of about 1 MiB, as element-dense as the malformed ones: 100 notifications of 350 fields.
    const fields = Array.from({ length: 350 }, (_, i) => `<sf:Field_${i}__c>value ${i}</sf:Field_${i}__c>`).join('');
    const valid = envelope(
      Array.from({ length: MAX_NOTIFICATIONS }, (_, i) =>
        notification(`04l${i}`, `<sf:Id>003${i}</sf:Id>${fields}`),
      ).join(''),
    );
    expect(valid.length).toBeGreaterThan(MiB);
    expect(parsed(valid).notifications).toHaveLength(MAX_NOTIFICATIONS);

    const prefix = envelope('').split('</notifications>')[0]!;
    const pad = (unit: string) => prefix + unit.repeat(Math.ceil((MiB - prefix.length) / unit.length));
    const malformed: Array<[string, RegExp]> = [
      // The shapes that made the old regexes backtrack quadratically (about 12 s each for 1 MiB).
      [pad('<Notification>'), /nested deeper than/],
      [pad('<Notification><Id>1</Id><sObject>'), /nested deeper than/],
      ['<a>'.repeat(MiB / 3), /nested deeper than/],
      // Well-formed up to the end, where the elements are left open: the parser has to read all of it.
      [pad('<Other><Id>1</Id><Name>value</Name></Other>'), /^malformed XML: .*unclosed tag/],
    ];

    const validMs = timeParse(valid);
    for (const [xml, why] of malformed) {
      expect(xml.length).toBeGreaterThanOrEqual(MiB - 3);
      expect(reason(xml)).toMatch(why);
      const ms = timeParse(xml);
      // The floor keeps a very fast valid parse from making the ratio flaky; the old parser took seconds.
      expect(ms).toBeLessThan(Math.max(20 * validMs, 50));
    }
  });
});

describe('replies and org ids', () => {
  it('compares 15- and 18-character org ids, and builds Ack and fault replies', () => {
    expect(sameOrgId('00D000000000001', '00D000000000001AAA')).toBe(true);
    expect(sameOrgId('00D000000000002AAA', '00D000000000001AAA')).toBe(false);
    expect(ACK_RESPONSE).toContain('<Ack>true</Ack>');
    expect(soapFault(`bad <input> & "quotes" 'too'`)).toContain(
      '<faultstring>bad &lt;input&gt; &amp; &quot;quotes&quot; &apos;too&apos;</faultstring>',
    );
  });
});
