/**
 * The slice of the org's data model the emulator knows: Contact (with one custom External ID field) and a
 * minimal Account so Contact.AccountId has something to point at. Everything else (validation, SOQL type
 * checks, describe) is driven from these tables, so adding a field is one line.
 */

export type FieldType = 'id' | 'string' | 'email' | 'phone' | 'reference' | 'datetime' | 'boolean';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  /** Required on create and cannot be set to null (e.g. Contact.LastName). */
  required?: boolean;
  /** False for system fields (Id, audit fields, IsDeleted) and formula-like fields (Name). */
  writable: boolean;
  externalId?: boolean;
  /** Unique, case-insensitive (the default for a Salesforce text External ID). */
  unique?: boolean;
  referenceTo?: string;
  relationshipName?: string;
}

export interface SObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
}

/** Salesforce audit fields every record carries; set by the platform, never by the client. */
function systemFields(): FieldDef[] {
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

export function buildSchema(externalIdField: string): Map<string, SObjectDef> {
  const contact: SObjectDef = {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    fields: [
      { name: 'Id', label: 'Contact ID', type: 'id', writable: false },
      {
        name: 'AccountId',
        label: 'Account ID',
        type: 'reference',
        referenceTo: 'Account',
        relationshipName: 'Account',
        writable: true,
      },
      { name: 'LastName', label: 'Last Name', type: 'string', length: 80, required: true, writable: true },
      { name: 'FirstName', label: 'First Name', type: 'string', length: 40, writable: true },
      { name: 'Name', label: 'Full Name', type: 'string', length: 121, writable: false },
      { name: 'Email', label: 'Email', type: 'email', length: 80, writable: true },
      { name: 'Phone', label: 'Business Phone', type: 'phone', length: 40, writable: true },
      {
        name: externalIdField,
        label: 'Catalog Sync ID',
        type: 'string',
        length: 255,
        writable: true,
        externalId: true,
        unique: true,
      },
      ...systemFields(),
    ],
  };
  const account: SObjectDef = {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    fields: [
      { name: 'Id', label: 'Account ID', type: 'id', writable: false },
      { name: 'Name', label: 'Account Name', type: 'string', length: 255, required: true, writable: true },
      ...systemFields(),
    ],
  };
  return new Map([
    ['contact', contact],
    ['account', account],
  ]);
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

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  string: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  reference: 'tns:ID',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
};

/** Enough of the describe result for jsforce (`retrieve` without fields, `select('*')`) and for humans. */
export function describeSObject(def: SObjectDef, versionBase: string): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    urls: sobjectUrls(def, versionBase),
    fields: def.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      soapType: SOAP_TYPES[f.type],
      length: f.length ?? (f.type === 'id' || f.type === 'reference' ? 18 : 0),
      custom: f.name.endsWith('__c'),
      nillable: !f.required && f.writable,
      createable: f.writable,
      updateable: f.writable,
      externalId: Boolean(f.externalId),
      unique: Boolean(f.unique),
      caseSensitive: false,
      idLookup: f.name === 'Id' || Boolean(f.externalId),
      referenceTo: f.referenceTo ? [f.referenceTo] : [],
      relationshipName: f.relationshipName ?? null,
      calculated: !f.writable && f.name === 'Name' && def.name === 'Contact',
    })),
  };
}

export function sobjectUrls(def: SObjectDef, versionBase: string): Record<string, string> {
  const base = `${versionBase}/sobjects/${def.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}
