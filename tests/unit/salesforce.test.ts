import { isRetryableSalesforceCode, toProviderError } from '../../src/providers/salesforce/errors.js';
import type { FieldValues } from '../../src/core/catalog.js';
import { contactBinding } from '../../src/providers/salesforce/contact-adapter.js';
import { inboundMessage, parseSalesforceMessage } from '../../src/providers/salesforce/inbound.js';
import type { SObjectBinding } from '../../src/providers/salesforce/sobject-adapter.js';
import { fromContact, joinName, splitName, toContact } from '../../src/providers/salesforce/mappers.js';
import {
  ACK_RESPONSE,
  parseOutboundMessage,
  sameOrgId,
  soapFault,
} from '../../src/providers/salesforce/outbound-message.js';

describe('Salesforce mappers', () => {
  it('splits names into FirstName/LastName (LastName always set) and joins them back', () => {
    expect(splitName('Ada Lovelace')).toEqual({ FirstName: 'Ada', LastName: 'Lovelace' });
    expect(splitName('Marie Salomea  Curie')).toEqual({ FirstName: 'Marie', LastName: 'Salomea Curie' });
    expect(splitName('Plato')).toEqual({ FirstName: null, LastName: 'Plato' });
    expect(joinName('Ada', 'Lovelace')).toBe('Ada Lovelace');
    expect(joinName(null, 'Plato')).toBe('Plato');
  });

  it('maps to a Contact keyed by our External ID, and back', () => {
    expect(
      toContact({ id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com', version: 1, deleted: false }, 'Ext__c'),
    ).toEqual({
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Email: 'ada@example.com',
      Ext__c: 'u1',
    });
    expect(
      fromContact(
        { Id: '003A', FirstName: 'Ada', LastName: 'King', Email: 'a@b.co', Ext__c: 'u1', IsDeleted: false },
        'Ext__c',
      ),
    ).toEqual({
      externalId: '003A',
      internalId: 'u1',
      deleted: false,
      values: { name: 'Ada King', email: 'a@b.co' },
    });
    expect(fromContact({ Id: '003B', LastName: 'X', IsDeleted: 'true' }, 'Ext__c')).toMatchObject({
      deleted: true,
      internalId: null,
      values: { email: null },
    });
  });
});

describe('Salesforce errors', () => {
  it('retries limits, 5xx and lock contention only', () => {
    expect(
      ['REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'ERROR_HTTP_503', 'ERROR_HTTP_429'].map(
        isRetryableSalesforceCode,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['INVALID_EMAIL_ADDRESS', 'REQUIRED_FIELD_MISSING', 'ERROR_HTTP_400', undefined].map(isRetryableSalesforceCode),
    ).toEqual([false, false, false, false]);
    const limit = toProviderError(
      Object.assign(new Error('TotalRequests Limit exceeded.'), { errorCode: 'REQUEST_LIMIT_EXCEEDED' }),
      'upsert',
    );
    expect(limit).toMatchObject({ retryable: true, providerCode: 'REQUEST_LIMIT_EXCEEDED', retryAfterMs: 60_000 });
    expect(toProviderError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'upsert').retryable).toBe(true);
  });
});

describe('Outbound messages', () => {
  const message = (org: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>
     <notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId><ActionId>04k1</ActionId>
     <SessionId xsi:nil="true"/>
     <Notification><Id>04l1</Id><sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
       <sf:Id>003A</sf:Id><sf:FirstName>Ada &amp; Co</sf:FirstName><sf:LastName>King</sf:LastName></sObject></Notification>
     <Notification><Id>04l2</Id><sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>001A</sf:Id></sObject></Notification>
     </notifications></soapenv:Body></soapenv:Envelope>`;

  it('extracts the org id and each notification with its fields', () => {
    expect(parseOutboundMessage(message('00D000000000001AAA'))).toEqual({
      ok: true,
      message: {
        organizationId: '00D000000000001AAA',
        actionId: '04k1',
        notifications: [
          { id: '04l1', sObjectType: 'Contact', fields: { Id: '003A', FirstName: 'Ada & Co', LastName: 'King' } },
          { id: '04l2', sObjectType: 'Account', fields: { Id: '001A' } },
        ],
      },
    });
    expect(parseOutboundMessage('<foo/>')).toEqual({ ok: false, reason: 'not a Salesforce outbound message' });
  });

  it('compares 15- and 18-character org ids, and builds Ack and fault replies', () => {
    expect(sameOrgId('00D000000000001', '00D000000000001AAA')).toBe(true);
    expect(sameOrgId('00D000000000002AAA', '00D000000000001AAA')).toBe(false);
    expect(ACK_RESPONSE).toContain('<Ack>true</Ack>');
    expect(soapFault('bad <input>')).toContain('<faultstring>bad &lt;input&gt;</faultstring>');
  });
});

describe('inbound.salesforce messages', () => {
  const bindings = new Map<string, SObjectBinding<FieldValues>>([
    ['Contact', contactBinding(undefined) as SObjectBinding<FieldValues>],
  ]);

  it('carry the sObject type and record id, and contactId for Contacts (read by the previous version)', () => {
    const m = inboundMessage({ source: 'poll', eventId: 'e1', sObjectType: 'Contact', recordId: '003A' });
    expect(m).toMatchObject({ recordId: '003A', contactId: '003A' });
    expect(parseSalesforceMessage(m, bindings, 'Ext__c')).toEqual([
      { eventId: 'e1', entityType: 'CUSTOMER', externalId: '003A', markedOurs: false },
    ]);
  });

  it('still read messages queued by the previous version (contactId only), and ignore unsynced sObjects', () => {
    expect(
      parseSalesforceMessage({ source: 'poll', eventId: 'e2', contactId: '003B' }, bindings, 'Ext__c'),
    ).toMatchObject([{ entityType: 'CUSTOMER', externalId: '003B' }]);
    expect(
      parseSalesforceMessage({ eventId: 'e3', sObjectType: 'Account', recordId: '001A' }, bindings, 'Ext__c'),
    ).toEqual([]);
    expect(
      parseSalesforceMessage({ eventId: 'e4', sObjectType: 'constructor', recordId: '001A' }, bindings, 'Ext__c'),
    ).toEqual([]);
  });
});
