/**
 * infra/salesforce/ (the Salesforce DX source an admin deploys) and the emulator's schema.ts describe the same
 * objects: same custom fields, types, sizes, picklist values, lookup rules and External ID flags. Either side
 * changing alone fails here, so tests against the emulator keep meaning something about the real org.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { buildSchema, type FieldDef, type SObjectDef } from '../../../emulators/salesforce/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../infra/salesforce');
const OBJECTS = path.join(ROOT, 'force-app/main/default/objects');
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** A strict parse (saxes throws on malformed XML) into a plain element tree. */
function parseXml(file: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack = [root];
  parser.on('opentag', (tag) => {
    if (stack.length === 1 && tag.uri !== METADATA_NS) throw new Error(`${file}: root is not in ${METADATA_NS}`);
    const el: XmlElement = { name: tag.local, children: [], text: '' };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(readFileSync(file, 'utf8')).close();
  const [doc] = root.children;
  if (!doc) throw new Error(`${file}: empty document`);
  return doc;
}

const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);
const text = (el: XmlElement, name: string): string | undefined => child(el, name)?.text.trim();

/** The properties both sides define, in one comparable shape. */
interface FieldShape {
  type: string;
  label: string;
  length?: number;
  precision?: number;
  scale?: number;
  required: boolean;
  externalId: boolean;
  unique: boolean;
  caseSensitive?: boolean;
  referenceTo?: string;
  relationshipName?: string;
  deleteConstraint?: string;
  picklist?: { values: string[]; restricted: boolean };
}

const METADATA_TYPES: Partial<Record<FieldDef['type'], string>> = {
  string: 'Text',
  email: 'Email',
  phone: 'Phone',
  currency: 'Currency',
  picklist: 'Picklist',
  date: 'Date',
  textarea: 'LongTextArea',
  reference: 'Lookup',
};

function fromSchema(f: FieldDef): FieldShape {
  const type = METADATA_TYPES[f.type];
  if (!type) throw new Error(`no metadata type for ${f.name} (${f.type})`);
  return {
    type,
    label: f.label,
    ...(f.type === 'string' || f.type === 'textarea' ? { length: f.length } : {}),
    ...(f.type === 'currency' ? { precision: f.precision, scale: f.scale } : {}),
    required: Boolean(f.required),
    externalId: Boolean(f.externalId),
    unique: Boolean(f.unique),
    ...(f.unique ? { caseSensitive: false } : {}),
    ...(f.referenceTo
      ? { referenceTo: f.referenceTo, relationshipName: f.childRelationshipName, deleteConstraint: f.deleteConstraint }
      : {}),
    ...(f.picklist ? { picklist: { values: [...f.picklist.values], restricted: f.picklist.restricted } } : {}),
  };
}

function fromXml(el: XmlElement): FieldShape {
  const num = (name: string) => (text(el, name) === undefined ? undefined : Number(text(el, name)));
  const bool = (name: string) => text(el, name) === 'true';
  const type = text(el, 'type') ?? '';
  const valueSet = child(el, 'valueSet');
  const definition = valueSet && child(valueSet, 'valueSetDefinition');
  return {
    type,
    label: text(el, 'label') ?? '',
    ...(type === 'Text' || type === 'LongTextArea' ? { length: num('length') } : {}),
    ...(type === 'Currency' ? { precision: num('precision'), scale: num('scale') } : {}),
    required: bool('required'),
    externalId: bool('externalId'),
    unique: bool('unique'),
    ...(bool('unique') ? { caseSensitive: bool('caseSensitive') } : {}),
    ...(type === 'Lookup'
      ? {
          referenceTo: text(el, 'referenceTo'),
          relationshipName: text(el, 'relationshipName'),
          deleteConstraint: text(el, 'deleteConstraint'),
        }
      : {}),
    ...(valueSet
      ? {
          picklist: {
            values: (definition?.children ?? [])
              .filter((c) => c.name === 'value')
              .map((v) => text(v, 'fullName') ?? ''),
            restricted: text(valueSet, 'restricted') === 'true',
          },
        }
      : {}),
  };
}

function fieldFiles(object: string): Map<string, XmlElement> {
  const dir = path.join(OBJECTS, object, 'fields');
  const out = new Map<string, XmlElement>();
  for (const file of readdirSync(dir).sort()) {
    expect(file).toMatch(/^\w+__c\.field-meta\.xml$/);
    const el = parseXml(path.join(dir, file));
    expect(el.name).toBe('CustomField');
    expect(`${text(el, 'fullName') ?? ''}.field-meta.xml`).toBe(file);
    out.set(text(el, 'fullName') ?? '', el);
  }
  return out;
}

const customFields = (def: SObjectDef): FieldDef[] => def.fields.filter((f) => f.name.endsWith('__c'));

describe('infra/salesforce metadata matches the emulator schema', () => {
  const schema = buildSchema({ externalIdField: 'Catalog_Sync_Id__c', invoiceObject: 'Catalog_Invoice__c' });
  const invoice = schema.get('catalog_invoice__c') as SObjectDef;
  const contact = schema.get('contact') as SObjectDef;

  it('is a Salesforce DX project whose package directory holds the objects', () => {
    const project = JSON.parse(readFileSync(path.join(ROOT, 'sfdx-project.json'), 'utf8')) as {
      packageDirectories: Array<{ path: string; default?: boolean }>;
      sourceApiVersion: string;
    };
    expect(project.packageDirectories).toEqual([{ path: 'force-app', default: true }]);
    expect(project.sourceApiVersion).toMatch(/^\d+\.0$/);
    expect(readdirSync(OBJECTS).sort()).toEqual(['Catalog_Invoice__c', 'Contact']);
  });

  it('defines Catalog_Invoice__c with the emulator’s labels and record name field', () => {
    const file = path.join(OBJECTS, invoice.name, `${invoice.name}.object-meta.xml`);
    const el = parseXml(file);
    expect(el.name).toBe('CustomObject');
    const name = invoice.fields.find((f) => f.nameField);
    expect({
      label: text(el, 'label'),
      pluralLabel: text(el, 'pluralLabel'),
      deploymentStatus: text(el, 'deploymentStatus'),
      // A lookup (not master-detail) to Contact, so the object keeps its own sharing.
      sharingModel: text(el, 'sharingModel'),
      nameField: {
        label: text(child(el, 'nameField') as XmlElement, 'label'),
        type: text(child(el, 'nameField') as XmlElement, 'type'),
      },
    }).toEqual({
      label: invoice.label,
      pluralLabel: invoice.labelPlural,
      deploymentStatus: 'Deployed',
      sharingModel: 'ReadWrite',
      nameField: { label: name?.label, type: 'Text' },
    });
    // A Text record name is always Text(80), required and writable: what the emulator's Name field is.
    expect(name).toMatchObject({ name: 'Name', type: 'string', length: 80, required: true, writable: true });
  });

  it('has exactly the invoice custom fields of the emulator, with the same definitions', () => {
    const files = fieldFiles(invoice.name);
    const expected = customFields(invoice);
    expect([...files.keys()].sort()).toEqual(expected.map((f) => f.name).sort());
    for (const f of expected)
      expect({ [f.name]: fromXml(files.get(f.name) as XmlElement) }).toEqual({ [f.name]: fromSchema(f) });
  });

  it('has the Contact External ID field the emulator has (the only custom field on Contact)', () => {
    const files = fieldFiles('Contact');
    const expected = customFields(contact);
    expect([...files.keys()]).toEqual(expected.map((f) => f.name));
    for (const f of expected) expect(fromXml(files.get(f.name) as XmlElement)).toEqual(fromSchema(f));
  });

  it('keeps the describe relationshipName of the lookup derived from the field name', () => {
    const lookup = invoice.fields.find((f) => f.name === 'Contact__c');
    expect(lookup?.relationshipName).toBe('Contact__r');
  });
});
