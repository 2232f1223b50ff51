/**
 * Salesforce Outbound Messages: SOAP 1.1 posts of up to 100 notifications
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm).
 * The listener must answer with an Ack, or Salesforce redelivers (for up to 24 hours).
 *
 * Why a real XML parser (saxes) rather than regular expressions: this runs on unauthenticated input, before the
 * OrganizationId check. Lazy regexes over a body of unclosed tags backtrack quadratically (1 MiB took 12 s of
 * CPU), and a hand-written entity decoder threw on invalid code points. saxes is a strict, streaming parser that
 * runs in linear time, decodes only the five predefined entities and numeric character references (rejecting
 * undefined entities and invalid references), and never reads or expands a DTD. SOAP 1.1 forbids DTDs and
 * processing instructions in a message, so both are refused outright, and the parse stops at the first error
 * or limit (nesting depth, notifications per message, fields per sObject), so work and memory stay bounded by
 * the size of the input.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

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

export type ParseResult = { ok: true; message: OutboundMessage } | { ok: false; reason: string };

export const MAX_NOTIFICATIONS = 100;
/** Envelope/Body/notifications/Notification/sObject/field is 6 deep; anything near this limit is not ours. */
export const MAX_DEPTH = 32;
export const MAX_FIELDS_PER_SOBJECT = 500;

const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const NOT_OUTBOUND = 'not a Salesforce outbound message';

/** A refusal decided by us (as opposed to a well-formedness error reported by saxes). */
class Refused extends Error {}

type Frame =
  | 'envelope'
  | 'body'
  | 'notifications'
  | 'organizationId'
  | 'actionId'
  | 'notification'
  | 'notificationId'
  | 'sObject'
  | 'field'
  | 'other';

/** Frames whose direct text content we keep. */
const CAPTURES_TEXT: ReadonlySet<Frame> = new Set(['organizationId', 'actionId', 'notificationId', 'field']);

interface NotificationBuilder {
  id: string | undefined;
  sObjectType: string | undefined;
  fields: Map<string, string>;
  fieldElements: number;
}

function xsiAttribute(tag: SaxesTagNS, local: string): string | undefined {
  for (const attr of Object.values(tag.attributes)) if (attr.uri === XSI_NS && attr.local === local) return attr.value;
  return undefined;
}

/**
 * Parses a message. Never throws: malformed XML, a DTD, an undefined entity or invalid character reference,
 * exceeded limits and documents that are not outbound messages all give `{ ok: false, reason }`.
 */
export function parseOutboundMessage(xml: string): ParseResult {
  const stack: Frame[] = [];
  let text = '';
  let sawNotifications = false;
  let organizationId: string | undefined;
  let actionId: string | undefined;
  let notificationCount = 0;
  const notifications: OutboundNotification[] = [];
  let current: NotificationBuilder | undefined;
  /** Field element being read: its local name, whether it is xsi:nil, whether it has child elements. */
  let field: { name: string; nil: boolean; nested: boolean } | undefined;

  const parser = new SaxesParser({ xmlns: true });
  parser.on('doctype', () => {
    throw new Refused('DTDs are not allowed in SOAP messages');
  });
  parser.on('processinginstruction', () => {
    throw new Refused('processing instructions are not allowed in SOAP messages');
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined && CAPTURES_TEXT.has(top)) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_DEPTH) throw new Refused(`elements nested deeper than ${MAX_DEPTH} levels`);
    const parent = stack[stack.length - 1];
    let frame: Frame = 'other';
    switch (parent) {
      case undefined:
        if (tag.local === 'Envelope') frame = 'envelope';
        break;
      case 'envelope':
        if (tag.local === 'Body') frame = 'body';
        break;
      case 'body':
        if (tag.local === 'notifications' && tag.uri === OUTBOUND_NS) {
          if (sawNotifications) throw new Refused('more than one notifications element');
          sawNotifications = true;
          frame = 'notifications';
        }
        break;
      case 'notifications':
        if (tag.local === 'OrganizationId') {
          if (organizationId !== undefined) throw new Refused('more than one OrganizationId');
          frame = 'organizationId';
        } else if (tag.local === 'ActionId') {
          if (actionId !== undefined) throw new Refused('more than one ActionId');
          frame = 'actionId';
        } else if (tag.local === 'Notification') {
          notificationCount += 1;
          if (notificationCount > MAX_NOTIFICATIONS)
            throw new Refused(`at most ${MAX_NOTIFICATIONS} notifications per message`);
          current = { id: undefined, sObjectType: undefined, fields: new Map(), fieldElements: 0 };
          frame = 'notification';
        }
        break;
      case 'notification':
        if (tag.local === 'Id') {
          if (current!.id !== undefined) throw new Refused('more than one Id in a Notification');
          frame = 'notificationId';
        } else if (tag.local === 'sObject') {
          if (current!.sObjectType !== undefined) throw new Refused('more than one sObject in a Notification');
          const type = xsiAttribute(tag, 'type');
          current!.sObjectType = type ? type.slice(type.lastIndexOf(':') + 1) : 'Unknown';
          frame = 'sObject';
        }
        break;
      case 'sObject':
        current!.fieldElements += 1;
        if (current!.fieldElements > MAX_FIELDS_PER_SOBJECT)
          throw new Refused(`at most ${MAX_FIELDS_PER_SOBJECT} fields per sObject`);
        field = { name: tag.local, nil: /^\s*(true|1)\s*$/.test(xsiAttribute(tag, 'nil') ?? ''), nested: false };
        frame = 'field';
        break;
      case 'field':
        // Not a simple field value (a compound value, say): dropped rather than flattened.
        field!.nested = true;
        break;
    }
    if (CAPTURES_TEXT.has(frame)) text = '';
    stack.push(frame);
  });

  parser.on('closetag', () => {
    switch (stack.pop()) {
      case 'organizationId':
        organizationId = text.trim();
        break;
      case 'actionId':
        actionId = text.trim();
        break;
      case 'notificationId':
        current!.id = text.trim();
        break;
      case 'field':
        if (!field!.nested) current!.fields.set(field!.name, field!.nil ? '' : text);
        field = undefined;
        break;
      case 'notification':
        // As before, a Notification without an Id or an sObject carries nothing we can use.
        if (current!.id && current!.sObjectType !== undefined)
          notifications.push({
            id: current!.id,
            sObjectType: current!.sObjectType,
            // fromEntries defines own properties, so a field named __proto__ cannot touch the prototype.
            fields: Object.fromEntries(current!.fields),
          });
        current = undefined;
        break;
    }
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.message };
    return { ok: false, reason: `malformed XML: ${(err as Error).message}` };
  }
  if (!sawNotifications || !organizationId) return { ok: false, reason: NOT_OUTBOUND };
  return { ok: true, message: { organizationId, actionId, notifications } };
}

const envelope = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  body +
  '</soapenv:Body></soapenv:Envelope>';

export const ACK_RESPONSE = envelope(
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>',
);

const FAULT_ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

export function soapFault(reason: string): string {
  const safe = reason.replace(/[<>&"']/g, (c) => FAULT_ESCAPES[c]!);
  return envelope(
    `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>${safe}</faultstring></soapenv:Fault>`,
  );
}

/** Salesforce ids are 15 (case-sensitive) or 18 characters; the 18-char form is what the APIs return. */
export function sameOrgId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}
