/**
 * /query and /queryAll (SOQL) with Salesforce's paging: each response carries at most one batch (2000 by
 * default) and, while more remain, `done: false` plus `nextRecordsUrl: /services/data/vXX.X/query/01g...-2000`.
 * The result set is materialized when the query runs, like a server-side cursor.
 */
import { ApiError } from './errors.js';
import type { Reply } from './http.js';
import type { ApiContext } from './org.js';
import { executeQuery, parseSoql } from './soql.js';

const DEFAULT_BATCH = 2000;

/** Sforce-Query-Options: batchSize=N is honoured within Salesforce's 200..2000 range; tests can go lower. */
function batchSize(ctx: ApiContext): number {
  if (ctx.org.queryBatchSize !== undefined) return ctx.org.queryBatchSize;
  const header = ctx.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  if (!match) return DEFAULT_BATCH;
  return Math.min(2000, Math.max(200, Number(match[1])));
}

function page(
  ctx: ApiContext,
  cursorId: string | undefined,
  rows: Array<Record<string, unknown>>,
  offset: number,
  base: string,
): Reply {
  const size = batchSize(ctx);
  const records = rows.slice(offset, offset + size);
  const nextOffset = offset + records.length;
  const done = nextOffset >= rows.length;
  let id = cursorId;
  if (!done && !id) id = ctx.org.openCursor(rows, base);
  return {
    status: 200,
    body: {
      totalSize: rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `${base}/query/${id}-${nextOffset}` }),
      records,
    },
  };
}

export function handleQuery(ctx: ApiContext): Reply {
  if (ctx.method !== 'GET') {
    throw new ApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.method}' not allowed. Allowed are GET,HEAD`);
  }
  const [resource, locator, ...extra] = ctx.segments;
  if (extra.length > 0) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (locator !== undefined) {
    const m = /^(.+)-(\d+)$/.exec(locator);
    const cursor = m?.[1] ? ctx.org.cursor(m[1]) : undefined;
    if (!m || !cursor) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(ctx, m[1], cursor.rows, Number(m[2]), cursor.versionBase);
  }
  const soql = ctx.query.get('q');
  if (!soql) throw new ApiError(400, 'MALFORMED_QUERY', 'A SOQL query is required in the q parameter');
  const parsed = parseSoql(soql, ctx.org.store);
  const outcome = executeQuery(ctx.org.store, parsed, {
    includeDeleted: resource === 'queryAll',
    versionBase: ctx.versionBase,
  });
  if (parsed.count) return { status: 200, body: { totalSize: outcome.totalSize, done: true, records: [] } };
  return page(ctx, undefined, outcome.records, 0, ctx.versionBase);
}
