/**
 * The org's records plus the DML rules Salesforce enforces on them. Every write goes through a Transaction so
 * sObject Collections with allOrNone=true can roll back, and so change events (which drive Outbound Messages)
 * are only published for committed work.
 */
import { ApiError, recordError, type RecordError } from './errors.js';
import { IdMinter, idSuffix, normalizeId } from './ids.js';
import { findField, referencesTo, type FieldDef, type SObjectDef } from './schema.js';
import { coerceValue, integerDigits } from './values.js';

/**
 * Field values as stored: strings (dates as `YYYY-MM-DD`), booleans, currency as numbers, datetimes as epoch
 * millis, or null.
 */
export type FieldValue = string | boolean | number | null;

export interface StoredRecord {
  type: string;
  id: string;
  values: Record<string, FieldValue>;
  deletedAt?: number;
  /** `client=` of the Sforce-Call-Options header of the call that last created/updated it (undefined: UI edit). */
  lastModifiedClient?: string;
}

export type ChangeKind = 'created' | 'updated' | 'deleted';
export interface ChangeEvent {
  type: string;
  id: string;
  kind: ChangeKind;
}

export type DmlResult = { ok: true; id: string; created?: boolean } | { ok: false; id?: string; error: RecordError };

// Deliberately permissive local part, but the domain needs a dot: Salesforce rejects `a@b`.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function userId(id15: string): string {
  return id15 + idSuffix(id15);
}
/** The integration user every API session runs as (owner / created-by / last-modified-by). */
export const INTEGRATION_USER_ID = userId('0058a0000000001');
/** The person editing records "in the Salesforce UI" (emulator.ui): lets a sync tell its own writes apart. */
export const UI_USER_ID = userId('0058a0000000002');

export interface RecordStoreState {
  records: StoredRecord[];
  issued: number;
}

export class RecordStore {
  readonly schema: Map<string, SObjectDef>;
  private readonly minter = new IdMinter();
  private records = new Map<string, StoredRecord>();
  /** type -> field -> lower-cased value -> id, for unique fields of live (non-deleted) records. */
  private uniqueIndex = new Map<string, Map<string, Map<string, string>>>();
  private readonly listeners: Array<(e: ChangeEvent) => void> = [];

  constructor(schema: Map<string, SObjectDef>) {
    this.schema = schema;
    this.rebuildIndexes();
  }

  sobject(name: string): SObjectDef | undefined {
    return this.schema.get(name.toLowerCase());
  }

  /** The sObject type an id belongs to, from its key prefix. */
  typeOfId(id: string): SObjectDef | undefined {
    const prefix = id.slice(0, 3);
    return [...this.schema.values()].find((d) => d.keyPrefix === prefix);
  }

  get(id: string): StoredRecord | undefined {
    const canonical = normalizeId(id);
    return canonical ? this.records.get(canonical) : undefined;
  }

  /** Records of a type in creation order (the order Salesforce tends to return when there is no ORDER BY). */
  all(type: string, includeDeleted = false): StoredRecord[] {
    const out: StoredRecord[] = [];
    for (const r of this.records.values()) {
      if (r.type === type && (includeDeleted || r.deletedAt === undefined)) out.push(r);
    }
    return out;
  }

  findByUnique(type: string, field: string, value: string): StoredRecord | undefined {
    const id = this.uniqueIndex.get(type)?.get(field)?.get(value.toLowerCase());
    return id ? this.records.get(id) : undefined;
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  begin(now: number, client: string | undefined, userId = INTEGRATION_USER_ID): Transaction {
    return new Transaction(this, now, client, userId);
  }

  reset(): void {
    this.records = new Map();
    this.rebuildIndexes();
  }

  /** Its records (deleted ones included) and id counter, as plain data for a later `restore`. */
  state(): RecordStoreState {
    return JSON.parse(
      JSON.stringify({ records: [...this.records.values()], issued: this.minter.issued }),
    ) as RecordStoreState;
  }

  restore(state: RecordStoreState): void {
    this.records = new Map(state.records.map((r) => [r.id, r]));
    this.minter.continueFrom(state.issued);
    this.rebuildIndexes();
  }

  /** @internal used by Transaction */
  mintId(def: SObjectDef): string {
    return this.minter.next(def.keyPrefix);
  }

  /** @internal */
  put(record: StoredRecord): void {
    this.records.set(record.id, record);
  }

  /** @internal */
  remove(id: string): void {
    this.records.delete(id);
  }

  /** @internal */
  indexRemove(record: StoredRecord): void {
    const byField = this.uniqueIndex.get(record.type);
    if (!byField) return;
    for (const [field, index] of byField) {
      const v = record.values[field];
      if (typeof v === 'string' && index.get(v.toLowerCase()) === record.id) index.delete(v.toLowerCase());
    }
  }

  /** @internal */
  indexAdd(record: StoredRecord): void {
    if (record.deletedAt !== undefined) return;
    const byField = this.uniqueIndex.get(record.type);
    if (!byField) return;
    for (const [field, index] of byField) {
      const v = record.values[field];
      if (typeof v === 'string') index.set(v.toLowerCase(), record.id);
    }
  }

  /** @internal */
  rebuildIndexes(): void {
    this.uniqueIndex = new Map();
    for (const def of this.schema.values()) {
      const byField = new Map<string, Map<string, string>>();
      for (const f of def.fields) if (f.unique) byField.set(f.name, new Map());
      this.uniqueIndex.set(def.name, byField);
    }
    for (const r of this.records.values()) this.indexAdd(r);
  }

  /** @internal */
  publish(events: ChangeEvent[]): void {
    for (const e of events) for (const l of this.listeners) l(e);
  }
}

function cloneRecord(r: StoredRecord): StoredRecord {
  return { ...r, values: { ...r.values } };
}

/**
 * One API call's worth of DML. Each operation validates and applies immediately (so later records in the same
 * call see earlier ones, e.g. for duplicate checks); rollback() restores the journaled originals.
 */
export class Transaction {
  private readonly journal = new Map<string, StoredRecord | undefined>();
  private readonly events: ChangeEvent[] = [];
  private readonly store: RecordStore;
  private readonly now: number;
  private readonly client: string | undefined;
  private readonly userId: string;

  constructor(store: RecordStore, now: number, client: string | undefined, userId: string) {
    this.store = store;
    this.now = now;
    this.client = client;
    this.userId = userId;
  }

  create(type: string, body: Record<string, unknown>): DmlResult {
    const def = this.requireType(type);
    const parsed = parseBody(def, body, 'create');
    if ('error' in parsed) return { ok: false, error: parsed.error };
    const values: Record<string, FieldValue> = {};
    for (const f of def.fields) values[f.name] = null;
    Object.assign(values, parsed.values);
    const error = this.validate(def, values, undefined);
    if (error) return { ok: false, error };
    const id = this.store.mintId(def);
    Object.assign(values, {
      Id: id,
      IsDeleted: false,
      OwnerId: this.userId,
      CreatedById: this.userId,
      LastModifiedById: this.userId,
      CreatedDate: this.now,
      LastModifiedDate: this.now,
      SystemModstamp: this.now,
    });
    deriveFields(def, values);
    const record: StoredRecord = { type: def.name, id, values, lastModifiedClient: this.client };
    if (!this.journal.has(id)) this.journal.set(id, undefined);
    this.store.put(record);
    this.store.indexAdd(record);
    this.events.push({ type: def.name, id, kind: 'created' });
    return { ok: true, id, created: true };
  }

  update(type: string, rawId: string, body: Record<string, unknown>): DmlResult {
    const def = this.requireType(type);
    const found = this.lookup(def, rawId);
    if ('error' in found) return { ok: false, id: found.id, error: found.error };
    const record = found.record;
    const parsed = parseBody(def, body, 'update');
    if ('error' in parsed) return { ok: false, id: record.id, error: parsed.error };
    const values = { ...record.values, ...parsed.values };
    const error = this.validate(def, values, record.id);
    if (error) return { ok: false, id: record.id, error };
    this.touch(record);
    this.store.indexRemove(record);
    Object.assign(values, {
      LastModifiedById: this.userId,
      LastModifiedDate: this.now,
      SystemModstamp: this.now,
    });
    deriveFields(def, values);
    record.values = values;
    record.lastModifiedClient = this.client;
    this.store.indexAdd(record);
    this.events.push({ type: def.name, id: record.id, kind: 'updated' });
    return { ok: true, id: record.id };
  }

  /** Upsert on an External ID field (or Id): update the live match, create when there is none. */
  upsert(type: string, field: string, value: string, body: Record<string, unknown>): DmlResult {
    const def = this.requireType(type);
    const fieldDef = findField(def, field);
    if (!fieldDef || !(fieldDef.externalId || fieldDef.name === 'Id')) {
      return {
        ok: false,
        error: recordError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`),
      };
    }
    const { Id: _ignoredId, ...rest } = body;
    for (const key of Object.keys(rest)) {
      if (key.toLowerCase() === fieldDef.name.toLowerCase()) {
        const bodyValue = rest[key];
        if (bodyValue !== value && bodyValue !== null && String(bodyValue) !== value) {
          return {
            ok: false,
            error: recordError(
              'INVALID_FIELD',
              `The value of ${fieldDef.name} in the body (${String(bodyValue)}) differs from the upsert key (${value})`,
              [fieldDef.name],
            ),
          };
        }
        delete rest[key];
      }
    }
    if (fieldDef.name === 'Id') {
      const result = this.update(def.name, value, rest);
      return result.ok ? { ...result, created: false } : result;
    }
    const existing = this.store.findByUnique(def.name, fieldDef.name, value);
    if (existing) {
      const result = this.update(def.name, existing.id, rest);
      return result.ok ? { ...result, created: false } : result;
    }
    return this.create(def.name, { ...rest, [fieldDef.name]: value });
  }

  /** Soft delete into the recycle bin: still visible to queryAll and getDeleted. */
  delete(type: string | undefined, rawId: string): DmlResult {
    const canonical = normalizeId(rawId);
    const def = type ? this.requireType(type) : canonical ? this.store.typeOfId(canonical) : undefined;
    if (!def) return { ok: false, id: rawId, error: recordError('MALFORMED_ID', `malformed id ${rawId}`) };
    const found = this.lookup(def, rawId);
    if ('error' in found) return { ok: false, id: found.id, error: found.error };
    const doomed = this.cascadeFrom(found.record);
    const blocked = this.restrictedBy(doomed);
    if (blocked) return { ok: false, id: found.record.id, error: blocked };
    for (const r of doomed) this.softDelete(r);
    return { ok: true, id: found.record.id };
  }

  /** The record plus every live record that a Cascade lookup deletes with it (Account -> its Contacts). */
  private cascadeFrom(root: StoredRecord): StoredRecord[] {
    const doomed = new Map<string, StoredRecord>([[root.id, root]]);
    const pending = [root];
    for (let r = pending.pop(); r; r = pending.pop()) {
      const parent = r;
      const def = this.store.sobject(parent.type);
      if (!def) continue;
      for (const { child, field } of referencesTo(this.store.schema, def)) {
        if (field.deleteConstraint !== 'Cascade') continue;
        for (const c of this.store.all(child.name)) {
          if (c.values[field.name] === parent.id && !doomed.has(c.id)) {
            doomed.set(c.id, c);
            pending.push(c);
          }
        }
      }
    }
    return [...doomed.values()];
  }

  /**
   * A Restrict lookup ("Don't allow deletion of the lookup record that's part of a lookup relationship") on a
   * live record outside the delete blocks it. Salesforce's DELETE_FAILED message names the child records,
   * e.g. "Your attempt to delete Mr. Josh Davis could not be completed because it is associated with the
   * following cases.: 00001005\n". Required lookups can only be Restrict: their value cannot be cleared
   * (https://help.salesforce.com/s/articleView?id=005390226&type=1).
   */
  private restrictedBy(doomed: StoredRecord[]): RecordError | undefined {
    const ids = new Set(doomed.map((r) => r.id));
    for (const target of doomed) {
      const def = this.store.sobject(target.type);
      if (!def) continue;
      for (const { child, field } of referencesTo(this.store.schema, def)) {
        if (field.deleteConstraint !== 'Restrict') continue;
        const blockers = this.store.all(child.name).filter((c) => c.values[field.name] === target.id && !ids.has(c.id));
        if (blockers.length === 0) continue;
        const name = typeof target.values.Name === 'string' ? target.values.Name : target.id;
        return recordError(
          'DELETE_FAILED',
          `Your attempt to delete ${name} could not be completed because it is associated with the following ${child.labelPlural.toLowerCase()}.: ${blockers.map((b) => String(b.values.Name ?? b.id)).join(', ')}\n`,
        );
      }
    }
    return undefined;
  }

  commit(): void {
    const events = this.events.splice(0);
    this.journal.clear();
    this.store.publish(events);
  }

  rollback(): void {
    for (const [id, original] of this.journal) {
      if (original) this.store.put(original);
      else this.store.remove(id);
    }
    this.journal.clear();
    this.events.length = 0;
    this.store.rebuildIndexes();
  }

  private softDelete(record: StoredRecord): void {
    this.touch(record);
    this.store.indexRemove(record);
    record.deletedAt = this.now;
    record.values = { ...record.values, IsDeleted: true, SystemModstamp: this.now };
    this.events.push({ type: record.type, id: record.id, kind: 'deleted' });
  }

  private touch(record: StoredRecord): void {
    if (!this.journal.has(record.id)) this.journal.set(record.id, cloneRecord(record));
  }

  private requireType(type: string): SObjectDef {
    const def = this.store.sobject(type);
    if (!def) throw new ApiError(404, 'NOT_FOUND', `The requested resource does not exist`);
    return def;
  }

  private lookup(def: SObjectDef, rawId: string): { record: StoredRecord } | { id?: string; error: RecordError } {
    const canonical = normalizeId(rawId);
    if (!canonical)
      return { error: recordError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${rawId}`) };
    if (!canonical.startsWith(def.keyPrefix)) {
      return {
        id: canonical,
        error: recordError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${rawId}`, ['Id']),
      };
    }
    const record = this.store.get(canonical);
    if (!record) return { id: canonical, error: recordError('NOT_FOUND', 'The requested resource does not exist') };
    if (record.deletedAt !== undefined) {
      return { id: canonical, error: recordError('ENTITY_IS_DELETED', 'entity is deleted') };
    }
    return { record };
  }

  /** Field-level rules, checked in roughly the order Salesforce reports them. First failure wins. */
  private validate(
    def: SObjectDef,
    values: Record<string, FieldValue>,
    selfId: string | undefined,
  ): RecordError | undefined {
    for (const f of def.fields) {
      const v = values[f.name];
      if (typeof v === 'number' && f.writable && f.type === 'currency') {
        if (integerDigits(v) > (f.precision ?? 18) - (f.scale ?? 0)) {
          return recordError(
            'NUMBER_OUTSIDE_VALID_RANGE',
            `${f.label}: value outside of valid range on numeric field: ${v}`,
            [f.name],
          );
        }
        continue;
      }
      if (typeof v !== 'string' || !f.writable) continue;
      if (f.length && v.length > f.length) {
        return recordError('STRING_TOO_LONG', `${f.label}: data value too large: ${v} (max length=${f.length})`, [
          f.name,
        ]);
      }
      if (f.type === 'email' && !EMAIL.test(v)) {
        return recordError('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${v}`, [f.name]);
      }
      // Restricted picklists take only the defined API values, matched exactly.
      if (f.picklist?.restricted && !f.picklist.values.includes(v)) {
        return recordError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${f.label}: bad value for restricted picklist field: ${v}`,
          [f.name],
        );
      }
      if (f.type === 'reference') {
        const error = this.checkReference(f, v);
        if (error) return error;
      }
    }
    const missing = def.fields.filter((f) => f.required && values[f.name] === null).map((f) => f.name);
    if (missing.length > 0) {
      return recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    }
    for (const f of def.fields) {
      const v = values[f.name];
      if (!f.unique || typeof v !== 'string') continue;
      const clash = this.store.findByUnique(def.name, f.name, v);
      if (clash && clash.id !== selfId) {
        return recordError(
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${clash.id}`,
        );
      }
    }
    return undefined;
  }

  /**
   * A lookup value that is not an id at all is MALFORMED_ID; an id of another object's type is
   * FIELD_INTEGRITY_EXCEPTION; a well-formed id of the right type that names no record is
   * INVALID_CROSS_REFERENCE_KEY; one in the recycle bin is ENTITY_IS_DELETED.
   */
  private checkReference(f: FieldDef, value: string): RecordError | undefined {
    const target = f.referenceTo ? this.store.sobject(f.referenceTo) : undefined;
    const canonical = normalizeId(value);
    if (!canonical) return recordError('MALFORMED_ID', `${f.label}: id value of incorrect type: ${value}`, [f.name]);
    if (!target || !canonical.startsWith(target.keyPrefix)) {
      return recordError('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${value}`, [f.name]);
    }
    const record = this.store.get(canonical);
    if (!record) return recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name]);
    if (record.deletedAt !== undefined) return recordError('ENTITY_IS_DELETED', 'entity is deleted', [f.name]);
    return undefined;
  }
}

/** Computed fields: Contact.Name is FirstName + LastName, as the standard compound name field. */
function deriveFields(def: SObjectDef, values: Record<string, FieldValue>): void {
  if (def.name === 'Contact') {
    values.Name = [values.FirstName, values.LastName].filter((v) => typeof v === 'string' && v).join(' ') || null;
  }
}

/**
 * Maps a JSON body onto canonical field names. Unknown fields and read-only fields are rejected like
 * Salesforce does; '' becomes null (Salesforce never stores empty strings); non-scalar values are a
 * request-level JSON_PARSER_ERROR.
 */
function parseBody(
  def: SObjectDef,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
): { values: Record<string, FieldValue> } | { error: RecordError } {
  const values: Record<string, FieldValue> = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const f = findField(def, key);
    if (!f)
      return { error: recordError('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`, [key]) };
    if (f.name === 'Id') {
      if (mode === 'create')
        return { error: recordError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']) };
      continue;
    }
    if (!f.writable) {
      readOnly.push(f.name);
      continue;
    }
    if (raw !== null && typeof raw === 'object') {
      throw new ApiError(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${f.type} from ${Array.isArray(raw) ? 'START_ARRAY' : 'START_OBJECT'} value for field ${f.name}`,
      );
    }
    let v: FieldValue =
      raw === undefined || raw === null || raw === '' ? null : coerceValue(f, raw as string | number | boolean);
    if (f.type === 'reference' && typeof v === 'string') v = normalizeId(v) ?? v;
    values[f.name] = v;
  }
  if (readOnly.length > 0) {
    return {
      error: recordError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        readOnly,
      ),
    };
  }
  return { values };
}
