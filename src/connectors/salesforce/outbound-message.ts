/**
 * Salesforce Outbound Messages: SOAP 1.1 posts of up to 100 notifications
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm).
 * The listener must answer with an Ack, or Salesforce redelivers (for up to 24 hours). The message format is
 * small and fixed (WSDL generated from the workflow rule), so a tolerant extractor is enough: no XML library.
 */

export interface OutboundNotification {
  /** Notification id: the same id is sent again on redelivery (our dedupe key). */
  id: string;
  sObjectType: string;
  fields: Record<string, string>;
}

export interface OutboundMessage {
  organizationId: string;
  actionId: string | undefined;
  notifications: OutboundNotification[];
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');

/** Element text by local name, ignoring namespace prefixes. */
function text(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:\\w+:)?${name}>`).exec(xml);
  return m ? decode(m[1]!.trim()) : undefined;
}

export const MAX_NOTIFICATIONS = 100;

/** Parses a message; returns undefined when it is not a Salesforce outbound message. */
export function parseOutboundMessage(xml: string): OutboundMessage | undefined {
  if (!/<(?:\w+:)?notifications[\s>]/.test(xml)) return undefined;
  const organizationId = text(xml, 'OrganizationId');
  if (!organizationId) return undefined;
  const notifications: OutboundNotification[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?Notification(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?Notification>/g)) {
    const inner = m[1]!;
    const id = text(inner, 'Id');
    const sObject = /<(?:\w+:)?sObject([^>]*)>([\s\S]*?)<\/(?:\w+:)?sObject>/.exec(inner);
    if (!id || !sObject) continue;
    const type = /xsi:type="(?:\w+:)?(\w+)"/.exec(sObject[1]!)?.[1] ?? 'Unknown';
    const fields: Record<string, string> = {};
    for (const f of sObject[2]!.matchAll(/<(?:\w+:)?(\w+)(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?\1>/g))
      fields[f[1]!] = decode(f[2]!);
    notifications.push({ id, sObjectType: type, fields });
  }
  return { organizationId, actionId: text(xml, 'ActionId'), notifications };
}

const envelope = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  body +
  '</soapenv:Body></soapenv:Envelope>';

export const ACK_RESPONSE = envelope(
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>',
);

export function soapFault(reason: string): string {
  const safe = reason.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
  return envelope(
    `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>${safe}</faultstring></soapenv:Fault>`,
  );
}

/** Salesforce ids are 15 (case-sensitive) or 18 characters; the 18-char form is what the APIs return. */
export function sameOrgId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}
