/**
 * Runs parsed SOQL against the record store and shapes rows as the REST API returns them
 * (`attributes` first, fields in SELECT order, relationship fields nested, date-times as `...000+0000`).
 */
import { normalizeId } from './ids.js';
import type { FieldDef, SObjectDef } from './schema.js';
import type { Condition, FieldRef, Literal, OrderItem, ParsedQuery } from './soql-parser.js';
import type { FieldValue, RecordStore, StoredRecord } from './store.js';
import { formatRestDateTime, parseDateOnly } from './time.js';

export { parseSoql, type ParsedQuery } from './soql-parser.js';

function valueOf(store: RecordStore, rec: StoredRecord, ref: FieldRef): FieldValue {
  if (!ref.via) return rec.values[ref.field.name] ?? null;
  const targetId = rec.values[ref.via.name];
  const target = typeof targetId === 'string' ? store.get(targetId) : undefined;
  return target ? (target.values[ref.field.name] ?? null) : null;
}

/** Comparable form of a literal for the field's type (strings compare case-insensitively, like SOQL). */
function literalKey(ref: FieldRef, lit: Literal): string | number | boolean | null {
  switch (lit.kind) {
    case 'null':
      return null;
    case 'string':
      if (ref.field.type === 'id' || ref.field.type === 'reference') return normalizeId(lit.v) ?? lit.v;
      return lit.v.toLowerCase();
    case 'bool':
    case 'number':
    case 'datetime':
    case 'date':
      return lit.v;
  }
}

function valueKey(ref: FieldRef, v: FieldValue): string | number | boolean | null {
  // Dates are stored as `YYYY-MM-DD`; date literals are parsed to the UTC midnight they start at.
  if (typeof v === 'string' && ref.field.type === 'date') return parseDateOnly(v) ?? null;
  if (typeof v === 'string' && ref.field.type !== 'id' && ref.field.type !== 'reference') return v.toLowerCase();
  return v;
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern.charAt(i + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

function matches(store: RecordStore, rec: StoredRecord, cond: Condition): boolean {
  switch (cond.kind) {
    case 'and':
      return cond.items.every((c) => matches(store, rec, c));
    case 'or':
      return cond.items.some((c) => matches(store, rec, c));
    case 'not':
      return !matches(store, rec, cond.item);
    case 'in': {
      const v = valueKey(cond.ref, valueOf(store, rec, cond.ref));
      const hit = cond.values.some((lit) => literalKey(cond.ref, lit) === v);
      return cond.negate ? !hit : hit;
    }
    case 'cmp': {
      const raw = valueOf(store, rec, cond.ref);
      const v = valueKey(cond.ref, raw);
      const lit = literalKey(cond.ref, cond.value);
      switch (cond.op) {
        case '=':
          return v === lit;
        case '!=':
          return v !== lit;
        case 'LIKE':
          return typeof raw === 'string' && cond.value.kind === 'string' && likeToRegExp(cond.value.v).test(raw);
        default: {
          if (v === null || lit === null) return false;
          if (cond.op === '<') return v < lit;
          if (cond.op === '<=') return v <= lit;
          if (cond.op === '>') return v > lit;
          return v >= lit;
        }
      }
    }
  }
}

function compareForOrder(a: FieldValue, b: FieldValue, item: OrderItem): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === item.nullsFirst ? -1 : 1;
  }
  const ka = typeof a === 'string' ? a.toLowerCase() : a;
  const kb = typeof b === 'string' ? b.toLowerCase() : b;
  const c = ka < kb ? -1 : ka > kb ? 1 : 0;
  return item.desc ? -c : c;
}

function jsonValue(field: FieldDef, v: FieldValue): unknown {
  if (v === null) return null;
  if (field.type === 'datetime' && typeof v === 'number') return formatRestDateTime(v);
  return v;
}

export interface QueryOutcome {
  totalSize: number;
  records: Array<Record<string, unknown>>;
}

/** Runs a parsed query; `includeDeleted` is queryAll. Rows come back projected as REST JSON records. */
export function executeQuery(
  store: RecordStore,
  q: ParsedQuery,
  opts: { includeDeleted: boolean; versionBase: string },
): QueryOutcome {
  let rows = store.all(q.sobject.name, opts.includeDeleted);
  if (q.where) {
    const where = q.where;
    rows = rows.filter((r) => matches(store, r, where));
  }
  if (q.orderBy.length > 0) {
    rows = [...rows].sort((a, b) => {
      for (const item of q.orderBy) {
        const c = compareForOrder(valueOf(store, a, item.ref), valueOf(store, b, item.ref), item);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  if (q.offset) rows = rows.slice(q.offset);
  if (q.limit !== undefined) rows = rows.slice(0, q.limit);
  if (q.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => projectRecord(store, r, q.select, opts.versionBase)) };
}

export function recordAttributes(type: string, id: string, versionBase: string): { type: string; url: string } {
  return { type, url: `${versionBase}/sobjects/${type}/${id}` };
}

function projectRecord(
  store: RecordStore,
  rec: StoredRecord,
  select: FieldRef[],
  versionBase: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: recordAttributes(rec.type, rec.id, versionBase) };
  for (const ref of select) {
    if (!ref.via) {
      out[ref.field.name] = jsonValue(ref.field, rec.values[ref.field.name] ?? null);
      continue;
    }
    const relName = ref.via.relationshipName ?? ref.via.name;
    const targetId = rec.values[ref.via.name];
    const target = typeof targetId === 'string' ? store.get(targetId) : undefined;
    if (!target) {
      out[relName] = null;
      continue;
    }
    const nested = (out[relName] as Record<string, unknown> | undefined) ?? {
      attributes: recordAttributes(target.type, target.id, versionBase),
    };
    nested[ref.field.name] = jsonValue(ref.field, target.values[ref.field.name] ?? null);
    out[relName] = nested;
  }
  return out;
}

/** A whole record as the sObject Rows resource returns it (all fields, or the `fields=` subset). */
export function recordToJson(
  def: SObjectDef,
  rec: StoredRecord,
  versionBase: string,
  fields?: FieldDef[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: recordAttributes(rec.type, rec.id, versionBase) };
  for (const f of fields ?? def.fields) out[f.name] = jsonValue(f, rec.values[f.name] ?? null);
  return out;
}
