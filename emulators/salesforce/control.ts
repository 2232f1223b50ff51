/**
 * Control API for tests and the local start command (no auth, never part of Salesforce):
 *   POST /_emulator/reset                      wipe records, faults, API usage, request log, outbound queue
 *                                              (access tokens and the outbound URL survive)
 *   POST /_emulator/faults          {status?, errorCode?, message?, count, latencyMs?, path?, method?, phase?,
 *                                    dropConnection?, hold?}
 *   POST /_emulator/release         {hold?}    let held replies go (one gate, or all): {released: n}
 *   GET  /_emulator/held                       replies waiting for release: [{hold, method, path, since}]
 *   GET  /_emulator/contacts                   live contacts as REST JSON
 *   GET  /_emulator/invoices                   live invoices (the invoice object) as REST JSON
 *   GET  /_emulator/records/<SObject>[?includeDeleted=true]   records of any known object
 *   POST /_emulator/outbound-url    {url}      (null/absent disables delivery; notifications keep queueing)
 *   POST /_emulator/query-batch-size {size}    (null restores Salesforce's 2000 default)
 *   POST /_emulator/expire-sessions            every access token becomes INVALID_SESSION_ID
 *   GET  /_emulator/requests                   request log;  GET /_emulator/notifications  delivered Contact ones
 *   GET  /_emulator/outbound-notifications[?sobject=X]   delivered notifications of every object: {id, sobject, recordId}
 *   GET  /_emulator/clock                      {now}: the org's time (ISO 8601)
 *   POST /_emulator/clock           {advanceMs?, now?, rate?}   move / set / speed up or freeze it: {now}
 *   POST /_emulator/purge-deleted   {before?}  physically delete what was deleted before (default now): {purged, now}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';
import type { FaultSpec } from './faults.js';
import type { HeldReply } from '../shared/holds.js';
import { parseJson, readBody, send, type Reply } from './http.js';

export interface ControlTarget {
  reset(): void;
  injectFaults(f: FaultSpec): void;
  release(hold?: string): number;
  held(): HeldReply[];
  contacts(): unknown[];
  invoices(): unknown[];
  records(type: string, opts?: { includeDeleted?: boolean }): unknown[];
  outboundNotifications(sobject?: string): unknown[];
  setOutboundMessageUrl(url: string | undefined): void;
  setQueryBatchSize(size: number | undefined): void;
  expireSessions(): void;
  requestLog(): unknown[];
  deliveredNotifications(): unknown[];
  now(): Date;
  advanceClock(ms: number): void;
  setClock(at: number): void;
  setClockRate(rate: number): void;
  purgeDeletedBefore(before?: number): number;
}

/** An ISO 8601 string or epoch millis; undefined when absent. */
function instant(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms))
    throw new ApiError(400, 'BAD_REQUEST', `${name} must be an ISO 8601 date-time or epoch millis`);
  return ms;
}

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ApiError(400, 'BAD_REQUEST', `${name} must be a non-negative number`);
  return value;
}

function moveClock(body: Record<string, unknown>, target: ControlTarget): Reply {
  const at = instant(body.now, 'now');
  const advanceMs = nonNegative(body.advanceMs, 'advanceMs');
  const rate = nonNegative(body.rate, 'rate');
  if (at !== undefined) target.setClock(at);
  if (advanceMs !== undefined) target.advanceClock(advanceMs);
  if (rate !== undefined) target.setClockRate(rate);
  return { status: 200, body: { now: target.now().toISOString() } };
}

function route(
  method: string,
  name: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
  target: ControlTarget,
): Reply {
  const ok: Reply = { status: 200, body: { ok: true } };
  if (method === 'GET' && name.startsWith('records/')) {
    const type = name.slice('records/'.length);
    return { status: 200, body: target.records(type, { includeDeleted: query.get('includeDeleted') === 'true' }) };
  }
  switch (`${method} ${name}`) {
    case 'POST reset':
      target.reset();
      return ok;
    case 'POST faults':
      target.injectFaults(body as unknown as FaultSpec);
      return ok;
    case 'POST release': {
      const hold = body.hold;
      if (hold !== undefined && typeof hold !== 'string')
        throw new ApiError(400, 'BAD_REQUEST', 'hold must be a string');
      return { status: 200, body: { released: target.release(hold) } };
    }
    case 'GET held':
      return { status: 200, body: target.held() };
    case 'GET contacts':
      return { status: 200, body: target.contacts() };
    case 'GET invoices':
      return { status: 200, body: target.invoices() };
    case 'GET outbound-notifications':
      return { status: 200, body: target.outboundNotifications(query.get('sobject') ?? undefined) };
    case 'POST outbound-url': {
      const url = body.url;
      if (url !== undefined && url !== null && typeof url !== 'string')
        throw new ApiError(400, 'BAD_REQUEST', 'url must be a string');
      target.setOutboundMessageUrl(url ?? undefined);
      return ok;
    }
    case 'POST query-batch-size': {
      const size = body.size;
      if (size !== undefined && size !== null && (typeof size !== 'number' || !Number.isInteger(size) || size < 1)) {
        throw new ApiError(400, 'BAD_REQUEST', 'size must be a positive integer');
      }
      target.setQueryBatchSize(size ?? undefined);
      return ok;
    }
    case 'POST expire-sessions':
      target.expireSessions();
      return ok;
    case 'GET requests':
      return { status: 200, body: target.requestLog() };
    case 'GET notifications':
      return { status: 200, body: target.deliveredNotifications() };
    case 'GET clock':
      return { status: 200, body: { now: target.now().toISOString() } };
    case 'POST clock':
      return moveClock(body, target);
    case 'POST purge-deleted': {
      const purged = target.purgeDeletedBefore(instant(body.before, 'before'));
      return { status: 200, body: { purged, now: target.now().toISOString() } };
    }
    default:
      throw new ApiError(404, 'NOT_FOUND', `Unknown control route ${method} /_emulator/${name}`);
  }
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, target: ControlTarget): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const name = url.pathname.slice('/_emulator/'.length).replace(/\/$/, '');
  let reply: Reply;
  try {
    const parsed = parseJson(await readBody(req));
    const body =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    reply = route((req.method ?? 'GET').toUpperCase(), name, url.searchParams, body, target);
  } catch (err) {
    reply =
      err instanceof ApiError
        ? { status: err.status, body: err.body() }
        : { status: 400, body: [{ errorCode: 'BAD_REQUEST', message: (err as Error).message }] };
  }
  send(res, reply);
}
