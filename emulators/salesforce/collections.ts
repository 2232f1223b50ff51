/**
 * sObject Collections (/composite/sobjects): up to 200 records per call, one result per record in request
 * order, `{id, success, errors: [{statusCode, message, fields}]}` (+ `created` for upsert). The HTTP status is
 * 200 even when records fail; allOrNone=true rolls every record back and marks the valid ones
 * ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
import { ApiError, notFound, recordError, type RecordError } from './errors.js';
import type { Reply } from './http.js';
import { parseJson } from './http.js';
import { normalizeId } from './ids.js';
import type { ApiContext } from './org.js';
import { findField } from './schema.js';
import { recordToJson } from './soql.js';
import { requireSObject, selectFields } from './sobject-rows.js';
import type { DmlResult, Transaction } from './store.js';

const MAX_RECORDS = 200;
const MAX_RETRIEVE_IDS = 2000;

interface CollectionResult {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

function tooMany(): ApiError {
  return new ApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    'record limit reached. cannot submit more than 200 records into this call',
  );
}

function collectionBody(ctx: ApiContext): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const body = parseJson(ctx.rawBody) as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.records)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be {"allOrNone": boolean, "records": [...]}');
  }
  if (body.records.length > MAX_RECORDS) throw tooMany();
  const records = body.records.map((r: unknown) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'Each element of records must be a JSON object');
    }
    return r as Record<string, unknown>;
  });
  return { allOrNone: body.allOrNone === true, records };
}

function attributesType(record: Record<string, unknown>): string | undefined {
  const attrs = record.attributes as { type?: unknown } | undefined;
  return typeof attrs?.type === 'string' ? attrs.type : undefined;
}

/** Runs one DML per record in a single transaction and shapes the per-record results. */
function runCollection(
  ctx: ApiContext,
  allOrNone: boolean,
  ops: Array<(tx: Transaction) => DmlResult>,
  reportCreated = false,
): Reply {
  const tx = ctx.org.store.begin(ctx.org.now(), ctx.client);
  let outcomes: DmlResult[];
  try {
    outcomes = ops.map((op) => op(tx));
  } catch (err) {
    tx.rollback();
    throw err;
  }
  const failed = outcomes.some((o) => !o.ok);
  if (allOrNone && failed) {
    tx.rollback();
    const rolledBack = recordError(
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'Record rolled back because not all records were valid and the request was using AllOrNone header',
    );
    // Records created in the rolled-back transaction never existed, so their ids are not reported.
    const results: CollectionResult[] = outcomes.map((o) =>
      o.ok
        ? { ...(o.created ? {} : { id: o.id }), success: false, errors: [rolledBack] }
        : { ...(o.id ? { id: o.id } : {}), success: false, errors: [o.error] },
    );
    return { status: 200, body: results };
  }
  tx.commit();
  const results: CollectionResult[] = outcomes.map((o) =>
    o.ok
      ? { id: o.id, success: true, errors: [], ...(reportCreated ? { created: Boolean(o.created) } : {}) }
      : {
          ...(o.id ? { id: o.id } : {}),
          success: false,
          errors: [o.error],
          ...(reportCreated ? { created: false } : {}),
        },
  );
  return { status: 200, body: results };
}

export function handleCollections(ctx: ApiContext): Reply {
  const [, , typeName, fieldName, ...extra] = ctx.segments;
  if (extra.length > 0) throw notFound();
  if (typeName === undefined) {
    switch (ctx.method) {
      case 'POST':
        return createMany(ctx);
      case 'PATCH':
        return updateMany(ctx);
      case 'DELETE':
        return deleteMany(ctx);
      default:
        throw new ApiError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${ctx.method}' not allowed. Allowed are POST,PATCH,DELETE`,
        );
    }
  }
  if (fieldName === undefined) {
    if (ctx.method === 'GET' || ctx.method === 'POST') return retrieveMany(ctx, typeName);
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.method}' not allowed. Allowed are GET,POST`);
  }
  if (ctx.method !== 'PATCH') {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.method}' not allowed. Allowed are PATCH`);
  }
  return upsertMany(ctx, typeName, fieldName);
}

function createMany(ctx: ApiContext): Reply {
  const { allOrNone, records } = collectionBody(ctx);
  return runCollection(
    ctx,
    allOrNone,
    records.map((record) => (tx: Transaction): DmlResult => {
      const type = attributesType(record);
      if (!type || !ctx.org.store.sobject(type)) {
        return {
          ok: false,
          error: recordError('INVALID_TYPE', `Invalid or missing sObject type in attributes: ${type ?? ''}`),
        };
      }
      return tx.create(type, record);
    }),
  );
}

function updateMany(ctx: ApiContext): Reply {
  const { allOrNone, records } = collectionBody(ctx);
  return runCollection(
    ctx,
    allOrNone,
    records.map((record) => (tx: Transaction): DmlResult => {
      // jsforce sends the key as `id`; Salesforce field names are case-insensitive.
      const idKey = Object.keys(record).find((k) => k.toLowerCase() === 'id');
      const rawId = idKey ? record[idKey] : undefined;
      if (typeof rawId !== 'string' || !rawId) {
        return { ok: false, error: recordError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']) };
      }
      const rest = { ...record };
      if (idKey) delete rest[idKey];
      const canonical = normalizeId(rawId);
      const type = attributesType(record) ?? (canonical ? ctx.org.store.typeOfId(canonical)?.name : undefined);
      if (!type || !ctx.org.store.sobject(type)) {
        return { ok: false, id: rawId, error: recordError('MALFORMED_ID', `malformed id ${rawId}`) };
      }
      return tx.update(type, rawId, rest);
    }),
  );
}

function upsertMany(ctx: ApiContext, typeName: string, fieldName: string): Reply {
  const def = requireSObject(ctx, typeName);
  const field = findField(def, fieldName);
  if (!field || !field.externalId) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const { allOrNone, records } = collectionBody(ctx);
  const keyOf = (record: Record<string, unknown>): string | undefined => {
    const key = Object.keys(record).find((k) => k.toLowerCase() === field.name.toLowerCase());
    const v = key ? record[key] : undefined;
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  // The same external id twice in one call is rejected for both records, as in Salesforce.
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = keyOf(r)?.toLowerCase();
    if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return runCollection(
    ctx,
    allOrNone,
    records.map((record) => (tx: Transaction): DmlResult => {
      const type = attributesType(record);
      if (type && type.toLowerCase() !== def.name.toLowerCase()) {
        return { ok: false, error: recordError('INVALID_TYPE', `Record type ${type} does not match ${def.name}`) };
      }
      const value = keyOf(record);
      if (!value) {
        return {
          ok: false,
          error: recordError('MISSING_ARGUMENT', `${field.name} not specified in an upsert call`, [field.name]),
        };
      }
      if ((counts.get(value.toLowerCase()) ?? 0) > 1) {
        return {
          ok: false,
          error: recordError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [field.name]),
        };
      }
      return tx.upsert(def.name, field.name, value, record);
    }),
    true,
  );
}

function deleteMany(ctx: ApiContext): Reply {
  const ids = (ctx.query.get('ids') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'Missing required parameter: ids');
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = ctx.query.get('allOrNone') === 'true';
  return runCollection(
    ctx,
    allOrNone,
    ids.map((id) => (tx: Transaction) => tx.delete(undefined, id)),
  );
}

function retrieveMany(ctx: ApiContext, typeName: string): Reply {
  const def = requireSObject(ctx, typeName);
  let ids: string[];
  let fieldList: string | undefined;
  if (ctx.method === 'POST') {
    const body = parseJson(ctx.rawBody) as { ids?: unknown; fields?: unknown } | undefined;
    ids = Array.isArray(body?.ids) ? body.ids.map(String) : [];
    fieldList = Array.isArray(body?.fields) ? body.fields.map(String).join(',') : undefined;
  } else {
    ids = (ctx.query.get('ids') ?? '').split(',').filter(Boolean);
    fieldList = ctx.query.get('fields') ?? undefined;
  }
  if (ids.length === 0) throw new ApiError(400, 'MISSING_ARGUMENT', 'Missing required parameter: ids');
  if (!fieldList) throw new ApiError(400, 'MISSING_ARGUMENT', 'Missing required parameter: fields');
  if (ids.length > MAX_RETRIEVE_IDS) {
    throw new ApiError(400, 'EXCEEDED_ID_LIMIT', `Cannot retrieve more than ${MAX_RETRIEVE_IDS} records`);
  }
  const fields = selectFields(def, fieldList);
  const body = ids.map((id) => {
    const rec = ctx.org.store.get(id);
    return rec && rec.type === def.name && rec.deletedAt === undefined
      ? recordToJson(def, rec, ctx.versionBase, fields)
      : null;
  });
  return { status: 200, body };
}
