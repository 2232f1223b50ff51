/**
 * /sobjects resources: describe, sObject Rows (create / retrieve / update / delete by Id) and sObject Rows by
 * External ID (upsert / retrieve / delete). Status codes follow Salesforce: 201 create, 204 update/delete,
 * upsert 201 created:true or 200 created:false.
 */
import { ApiError, notFound, type RecordError } from './errors.js';
import type { Reply } from './http.js';
import { parseJson } from './http.js';
import { normalizeId } from './ids.js';
import type { ApiContext } from './org.js';
import { handleReplication } from './replication.js';
import { describeSObject, findField, sobjectUrls, type FieldDef, type SObjectDef } from './schema.js';
import { recordToJson } from './soql.js';
import type { DmlResult, StoredRecord, Transaction } from './store.js';

/** Single-record DML errors become a request error; "which record" errors map to 404 like Salesforce. */
export function dmlFailure(error: RecordError): ApiError {
  const status = error.statusCode === 'NOT_FOUND' || error.statusCode === 'ENTITY_IS_DELETED' ? 404 : 400;
  return ApiError.fromRecord(status, error);
}

export function requireObjectBody(ctx: ApiContext): Record<string, unknown> {
  const body = parseJson(ctx.rawBody);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function requireSObject(ctx: ApiContext, name: string | undefined): SObjectDef {
  const def = name ? ctx.org.store.sobject(name) : undefined;
  if (!def) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return def;
}

/** `fields=A,B` on retrieve; unknown names fail like Salesforce's INVALID_FIELD. */
export function selectFields(def: SObjectDef, list: string | null | undefined): FieldDef[] | undefined {
  if (!list) return undefined;
  return list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((name) => {
      const f = findField(def, name);
      if (!f) throw new ApiError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${def.name}`);
      return f;
    });
}

function methodNotAllowed(method: string, allowed: string): ApiError {
  return new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);
}

function commitOrThrow(ctx: ApiContext, run: (tx: Transaction) => DmlResult): Extract<DmlResult, { ok: true }> {
  const tx = ctx.org.store.begin(ctx.org.now(), ctx.client);
  let result: DmlResult;
  try {
    result = run(tx);
  } catch (err) {
    tx.rollback();
    throw err;
  }
  if (!result.ok) {
    tx.rollback();
    throw dmlFailure(result.error);
  }
  tx.commit();
  return result;
}

export function handleSObjects(ctx: ApiContext): Reply {
  const [, typeName, third, fourth, ...extra] = ctx.segments;
  const { org, method, versionBase } = ctx;
  if (typeName === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method, 'GET,HEAD');
    return {
      status: 200,
      body: {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: [...org.store.schema.values()].map((def) => ({
          name: def.name,
          label: def.label,
          labelPlural: def.labelPlural,
          keyPrefix: def.keyPrefix,
          custom: def.custom,
          queryable: true,
          replicateable: true,
          urls: sobjectUrls(def, versionBase),
        })),
      },
    };
  }
  const def = requireSObject(ctx, typeName);
  if (extra.length > 0) throw notFound();

  if (third === undefined) {
    if (method === 'GET') {
      const {
        fields: _fields,
        childRelationships: _children,
        ...objectDescribe
      } = describeSObject(def, versionBase, org.store.schema);
      return { status: 200, body: { objectDescribe, recentItems: [] } };
    }
    if (method !== 'POST') throw methodNotAllowed(method, 'GET,HEAD,POST');
    const body = requireObjectBody(ctx);
    const result = commitOrThrow(ctx, (tx) => tx.create(def.name, body));
    return { status: 201, body: { id: result.id, success: true, errors: [] } };
  }

  if (fourth === undefined && third === 'describe') {
    if (method !== 'GET') throw methodNotAllowed(method, 'GET,HEAD');
    return { status: 200, body: describeSObject(def, versionBase, org.store.schema) };
  }
  if (fourth === undefined && (third === 'updated' || third === 'deleted')) {
    if (method !== 'GET') throw methodNotAllowed(method, 'GET,HEAD');
    return handleReplication(ctx, def, third);
  }

  if (fourth === undefined) return rowById(ctx, def, third);
  return rowByExternalId(ctx, def, third, fourth);
}

function rowById(ctx: ApiContext, def: SObjectDef, rawId: string): Reply {
  const { org, method } = ctx;
  const id = normalizeId(rawId);
  // A segment that is not an id is read as an External ID field name, hence this message in Salesforce.
  if (!id)
    throw new ApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${rawId}`);
  switch (method) {
    case 'GET': {
      const rec = org.store.get(id);
      if (!rec || rec.type !== def.name || rec.deletedAt !== undefined) throw notFound();
      return { status: 200, body: recordToJson(def, rec, ctx.versionBase, selectFields(def, ctx.query.get('fields'))) };
    }
    case 'PATCH': {
      const { Id: _ignored, ...body } = requireObjectBody(ctx);
      commitOrThrow(ctx, (tx) => tx.update(def.name, id, body));
      return { status: 204 };
    }
    case 'DELETE':
      commitOrThrow(ctx, (tx) => tx.delete(def.name, id));
      return { status: 204 };
    default:
      throw methodNotAllowed(method, 'GET,HEAD,PATCH,DELETE');
  }
}

function rowByExternalId(ctx: ApiContext, def: SObjectDef, fieldName: string, value: string): Reply {
  const { org, method } = ctx;
  const field = findField(def, fieldName);
  if (!field || !(field.externalId || field.name === 'Id')) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const live = (): StoredRecord => {
    const rec = field.name === 'Id' ? org.store.get(value) : org.store.findByUnique(def.name, field.name, value);
    if (!rec || rec.type !== def.name || rec.deletedAt !== undefined) throw notFound();
    return rec;
  };
  switch (method) {
    case 'GET':
      return {
        status: 200,
        body: recordToJson(def, live(), ctx.versionBase, selectFields(def, ctx.query.get('fields'))),
      };
    case 'PATCH': {
      const body = requireObjectBody(ctx);
      const result = commitOrThrow(ctx, (tx) => tx.upsert(def.name, field.name, value, body));
      const created = Boolean(result.created);
      return { status: created ? 201 : 200, body: { id: result.id, success: true, errors: [], created } };
    }
    case 'DELETE': {
      const rec = live();
      commitOrThrow(ctx, (tx) => tx.delete(def.name, rec.id));
      return { status: 204 };
    }
    default:
      throw methodNotAllowed(method, 'GET,HEAD,PATCH,DELETE');
  }
}
