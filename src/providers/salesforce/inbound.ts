import type { FieldValues } from '../../core/catalog.js';
import type { InboundChange } from '../../core/provider.js';
import { fromSObject } from './mappers.js';
import type { SObjectBinding } from './sobject-adapter.js';

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

/**
 * The change a message announces. Salesforce marks nothing as ours (Outbound Messages do not say who made the
 * change), so echoes are recognized by content (core/sync-rules.ts).
 */
export function parseSalesforceMessage(
  message: unknown,
  bindings: ReadonlyMap<string, SObjectBinding<FieldValues>>,
  externalIdField: string,
): InboundChange[] {
  const m = message as (Partial<SalesforceInboundMessage> & { contactId?: unknown }) | null;
  // `contactId`: the name the record id had in messages queued by earlier versions.
  const recordId = m?.recordId ?? m?.contactId;
  if (!m || typeof m.eventId !== 'string' || typeof recordId !== 'string') return [];
  const binding = bindings.get(m.sObjectType ?? 'Contact');
  if (!binding) return [];
  const change: InboundChange = {
    eventId: m.eventId,
    entityType: binding.entityType,
    externalId: recordId,
    markedOurs: false,
  };
  // A notification for a record deleted before it was sent carries no data, only the Id
  // (https://help.salesforce.com/s/articleView?id=platform.workflow_om_considerations.htm): nothing to compare
  // for echoes, so the change is applied from a re-read, which finds the record deleted (queryAll).
  if (m.fields && carriesData(m.fields)) {
    change.announced = fromSObject(m.fields, externalIdField, binding.fromFields(m.fields));
  }
  return [change];
}

function carriesData(fields: Record<string, string>): boolean {
  return Object.keys(fields).some((name) => name !== 'Id');
}
