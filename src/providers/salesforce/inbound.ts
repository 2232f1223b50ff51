import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { InboundChange } from '../../core/provider.js';
import { fromContact, type ContactRecord } from './mappers.js';

/** What goes on `inbound.salesforce`: from an outbound message (with the fields it carried) or from the poller. */
export interface SalesforceInboundMessage {
  source: 'outbound-message' | 'poll';
  eventId: string;
  /** The sObject type; absent in messages queued before there was more than Contact. */
  sObjectType?: string;
  recordId: string;
  /** Also written for Contacts, so a process of the previous version (which reads only this) loses nothing. */
  contactId?: string;
  fields?: Record<string, string>;
}

/** A message for `inbound.salesforce`. */
export function inboundMessage(m: Omit<SalesforceInboundMessage, 'contactId'>): SalesforceInboundMessage {
  return m.sObjectType === 'Contact' ? { ...m, contactId: m.recordId } : m;
}

/** sObject types we sync, and the catalog each one feeds. */
export const SOBJECT_CATALOGS: ReadonlyMap<string, string> = new Map([['Contact', CUSTOMER]]);

/**
 * The change a message announces. Salesforce marks nothing as ours (Outbound Messages do not say who made the
 * change), so echoes are recognized by content (core/sync-rules.ts).
 */
export function parseSalesforceMessage(message: unknown, externalIdField: string): InboundChange[] {
  const m = message as (Partial<SalesforceInboundMessage> & { contactId?: unknown }) | null;
  // `contactId`: the name the record id had in messages queued by earlier versions.
  const recordId = m?.recordId ?? m?.contactId;
  if (!m || typeof m.eventId !== 'string' || typeof recordId !== 'string') return [];
  const entityType = SOBJECT_CATALOGS.get(m.sObjectType ?? 'Contact');
  if (!entityType) return [];
  const change: InboundChange = { eventId: m.eventId, entityType, externalId: recordId, markedOurs: false };
  if (m.fields) change.announced = fromContact(m.fields as ContactRecord, externalIdField);
  return [change];
}
