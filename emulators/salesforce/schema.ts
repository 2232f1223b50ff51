/**
 * The slice of the org's data model the emulator knows: Contact (with one custom External ID field), a
 * minimal Account so Contact.AccountId has something to point at, and the Catalog Invoice custom object.
 * Everything else (validation, SOQL type checks, describe, outbound messages, the metadata test that keeps
 * infra/salesforce/ in step) is driven from these tables, so adding a field is one entry.
 */

/** Describe's field `type` values (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm). */
export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'reference'
  | 'datetime'
  | 'boolean'
  | 'currency'
  | 'picklist'
  | 'date'
  | 'textarea';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Characters for text types (Long Text Area: 32768). */
  length?: number;
  /** Currency: total digits and the digits after the point, e.g. Currency(16, 2) = 14 + 2. */
  precision?: number;
  scale?: number;
  /** Required on create and cannot be set to null (e.g. Contact.LastName). */
  required?: boolean;
  /** False for system fields (Id, audit fields, IsDeleted) and formula-like fields (Contact.Name). */
  writable: boolean;
  externalId?: boolean;
  /** Unique, case-insensitive (the default for a Salesforce text External ID). */
  unique?: boolean;
  /** The object's record name field (describe `nameField: true`). */
  nameField?: boolean;
  referenceTo?: string;
  relationshipName?: string;
  /**
   * What deleting the referenced record does to this record. Salesforce lookups default to "clear the value"
   * (SetNull), which a required lookup cannot use; 'Restrict' makes the delete fail with DELETE_FAILED and
   * 'Cascade' deletes this record too (Contact.AccountId behaves like that).
   */
  deleteConstraint?: 'Restrict' | 'Cascade';
  /** Custom lookups: the child relationship name seen from the parent (metadata relationshipName, no __r). */
  childRelationshipName?: string;
  /** Picklist values in order; `restricted` rejects anything else (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). */
  picklist?: { values: string[]; restricted: boolean };
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDef[];
}

export interface SchemaOptions {
  /** External ID field on Contact and on the invoice object. */
  externalIdField: string;
  /** API name of the invoice custom object. */
  invoiceObject: string;
}

export const INVOICE_STATUSES = ['Draft', 'Open', 'Paid', 'Void', 'Uncollectible'];

/** Salesforce audit fields every record carries; set by the platform, never by the client. */
export function systemFields(): FieldDef[] {
  return [
    { name: 'IsDeleted', label: 'Deleted', type: 'boolean', writable: false },
    { name: 'OwnerId', label: 'Owner ID', type: 'reference', referenceTo: 'User', writable: false },
    { name: 'CreatedDate', label: 'Created Date', type: 'datetime', writable: false },
    { name: 'CreatedById', label: 'Created By ID', type: 'reference', referenceTo: 'User', writable: false },
    { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', writable: false },
    { name: 'LastModifiedById', label: 'Last Modified By ID', type: 'reference', referenceTo: 'User', writable: false },
    { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', writable: false },
  ];
}

function externalIdFieldDef(name: string): FieldDef {
  return {
    name,
    label: 'Catalog Sync ID',
    type: 'string',
    length: 255,
    writable: true,
    externalId: true,
    unique: true,
  };
}

export function buildSchema(opts: SchemaOptions): Map<string, SObjectDef> {
  const { externalIdField, invoiceObject } = opts;
  const contact: SObjectDef = {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    custom: false,
    fields: [
      { name: 'Id', label: 'Contact ID', type: 'id', writable: false },
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        referenceTo: 'Account',
        relationshipName: 'Account',
        // Deleting an Account deletes its Contacts in Salesforce too.
        deleteConstraint: 'Cascade',
        writable: true,
      },
      { name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true, writable: true },
      { name: 'FirstName', label: 'First Name', type: 'string', length: 40, writable: true },
      { name: 'Name', label: 'Full Name', type: 'string', length: 121, writable: false, nameField: true },
      { name: 'Email', label: 'Email', type: 'email', length: 80, writable: true },
      { name: 'Phone', label: 'Business Phone', type: 'phone', length: 40, writable: true },
      externalIdFieldDef(externalIdField),
      ...systemFields(),
    ],
  };
  const account: SObjectDef = {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    custom: false,
    fields: [
      { name: 'Id', label: 'Account ID', type: 'id', writable: false },
      {
        name: 'Name',
        label: 'Account Name',
        type: 'string',
        length: 255,
        required: true,
        writable: true,
        nameField: true,
      },
      ...systemFields(),
    ],
  };
  // Mirrors infra/salesforce/force-app/main/default/objects/Catalog_Invoice__c (metadata.test.ts compares them).
  const invoice: SObjectDef = {
    name: invoiceObject,
    label: 'Catalog Invoice',
    labelPlural: 'Catalog Invoices',
    keyPrefix: 'a01',
    custom: true,
    fields: [
      { name: 'Id', label: 'Record ID', type: 'id', writable: false },
      // A custom object's Name is a real Text(80) field the client writes (unlike Contact's compound name).
      {
        name: 'Name',
        label: 'Invoice Number',
        type: 'string',
        length: 80,
        required: true,
        writable: true,
        nameField: true,
      },
      {
        name: 'Contact__c',
        label: 'Contact',
        type: 'reference',
        referenceTo: 'Contact',
        relationshipName: 'Contact__r',
        childRelationshipName: 'Catalog_Invoices',
        required: true,
        // A required lookup cannot "clear the value" on delete, so Salesforce only offers Restrict.
        deleteConstraint: 'Restrict',
        writable: true,
      },
      { name: 'Amount__c', label: 'Amount', type: 'currency', precision: 16, scale: 2, writable: true },
      { name: 'Currency__c', label: 'Currency', type: 'string', length: 3, writable: true },
      {
        name: 'Status__c',
        label: 'Status',
        type: 'picklist',
        length: 255,
        picklist: { values: INVOICE_STATUSES, restricted: true },
        writable: true,
      },
      { name: 'Due_Date__c', label: 'Due Date', type: 'date', writable: true },
      { name: 'Description__c', label: 'Description', type: 'textarea', length: 32768, writable: true },
      externalIdFieldDef(externalIdField),
      ...systemFields(),
    ],
  };
  return new Map([contact, account, invoice].map((d) => [d.name.toLowerCase(), d]));
}

/** Field names are case-insensitive in SOQL and request bodies; responses use the canonical spelling. */
export function findField(def: SObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((f) => f.name.toLowerCase() === lower);
}

export function findRelationship(def: SObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

/** Long Text Area fields cannot be filtered, sorted or grouped in SOQL. */
export function isFilterable(f: FieldDef): boolean {
  return f.type !== 'textarea';
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  string: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  reference: 'tns:ID',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
  currency: 'xsd:double',
  picklist: 'xsd:string',
  date: 'xsd:date',
  textarea: 'xsd:string',
};

export function soapType(f: FieldDef): string {
  return SOAP_TYPES[f.type];
}

/** Reference fields elsewhere in the schema that point at `def` (for childRelationships and deletes). */
export function referencesTo(
  schema: Map<string, SObjectDef>,
  def: SObjectDef,
): Array<{ child: SObjectDef; field: FieldDef }> {
  const out: Array<{ child: SObjectDef; field: FieldDef }> = [];
  for (const child of schema.values()) {
    for (const field of child.fields) {
      if (field.type === 'reference' && field.writable && field.referenceTo === def.name) out.push({ child, field });
    }
  }
  return out;
}

/** Enough of the describe result for jsforce (`retrieve` without fields, `select('*')`) and for humans. */
export function describeSObject(
  def: SObjectDef,
  versionBase: string,
  schema?: Map<string, SObjectDef>,
): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    urls: sobjectUrls(def, versionBase),
    childRelationships: schema
      ? referencesTo(schema, def).map(({ child, field }) => ({
          childSObject: child.name,
          field: field.name,
          relationshipName: field.childRelationshipName
            ? `${field.childRelationshipName}__r`
            : child.labelPlural.replace(/\s+/g, ''),
          cascadeDelete: field.deleteConstraint === 'Cascade',
          restrictedDelete: field.deleteConstraint === 'Restrict',
        }))
      : [],
    fields: def.fields.map((f) => describeField(def, f)),
  };
}

function describeField(def: SObjectDef, f: FieldDef): Record<string, unknown> {
  const filterable = isFilterable(f);
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type],
    // Salesforce reports length 0 for number and date types; precision/scale carry a currency's size.
    length: f.length ?? (f.type === 'id' || f.type === 'reference' ? 18 : 0),
    precision: f.precision ?? 0,
    scale: f.scale ?? 0,
    digits: 0,
    custom: f.name.endsWith('__c'),
    nillable: !f.required && f.writable,
    createable: f.writable,
    updateable: f.writable,
    defaultedOnCreate: !f.writable,
    externalId: Boolean(f.externalId),
    unique: Boolean(f.unique),
    caseSensitive: false,
    idLookup: f.name === 'Id' || Boolean(f.externalId) || (Boolean(f.nameField) && f.writable),
    nameField: Boolean(f.nameField),
    filterable,
    sortable: filterable,
    groupable: filterable && f.type !== 'currency',
    extraTypeInfo: f.type === 'textarea' ? 'plaintextarea' : null,
    htmlFormatted: false,
    referenceTo: f.referenceTo ? [f.referenceTo] : [],
    relationshipName: f.relationshipName ?? null,
    cascadeDelete: f.deleteConstraint === 'Cascade',
    restrictedDelete: f.deleteConstraint === 'Restrict',
    restrictedPicklist: Boolean(f.picklist?.restricted),
    picklistValues: (f.picklist?.values ?? []).map((value) => ({
      active: true,
      defaultValue: false,
      label: value,
      validFor: null,
      value,
    })),
    calculated: !f.writable && f.name === 'Name' && def.name === 'Contact',
  };
}

export function sobjectUrls(def: SObjectDef, versionBase: string): Record<string, string> {
  const base = `${versionBase}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}
