import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { RecordSnapshot } from '../../core/catalog.js';
import type { RemoteRecord } from '../../core/provider.js';

/**
 * Pure mappings between our customer and a Salesforce Contact
 * (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm).
 * Contact has FirstName and a required LastName; we keep one `name`, so it is split on the first space and
 * joined back with one space.
 */

/** A record of any sObject type as JSON (REST) or an Outbound Message (all text) carries it. */
export interface SObjectRecord {
  Id?: string;
  IsDeleted?: boolean | string | null;
  [field: string]: unknown;
}

export interface ContactRecord extends SObjectRecord {
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
}

export function splitName(name: string): { FirstName: string | null; LastName: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length <= 1) return { FirstName: null, LastName: parts[0] ?? '' };
  return { FirstName: parts[0]!, LastName: parts.slice(1).join(' ') };
}

export function joinName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
}

/** The Contact fields we write, keyed by our id in the External ID field (so upserts are idempotent). */
export function toContact(c: RecordSnapshot<CustomerFields>, externalIdField: string): ContactRecord {
  return { ...toContactFields({ name: c.name, email: c.email }), [externalIdField]: c.id };
}

/** Only the given fields, as Contact fields (a name change rewrites both FirstName and LastName). */
export function toContactFields(changed: Partial<CustomerFields>): ContactRecord {
  return {
    ...(changed.name !== undefined ? splitName(changed.name) : {}),
    ...(changed.email !== undefined ? { Email: changed.email } : {}),
  };
}

export function fromContactFields(r: ContactRecord): RemoteRecord<CustomerFields>['values'] {
  return { name: joinName(r.FirstName, r.LastName) || null, email: r.Email ?? null };
}

export function fromContact(r: ContactRecord, externalIdField: string): RemoteRecord<CustomerFields> {
  return fromSObject(r, externalIdField, fromContactFields(r));
}

/** A record of any type: its Id, our id from the External ID field, and whether it is deleted. */
export function fromSObject<V>(r: SObjectRecord, externalIdField: string, values: V) {
  const internalId = r[externalIdField];
  return {
    externalId: String(r.Id),
    internalId: typeof internalId === 'string' && internalId ? internalId : null,
    deleted: isDeleted(r),
    values,
  };
}

/** IsDeleted as JSON (boolean) or an Outbound Message (text) carries it. */
export const isDeleted = (r: Pick<SObjectRecord, 'IsDeleted'>): boolean =>
  r.IsDeleted === true || r.IsDeleted === 'true';
