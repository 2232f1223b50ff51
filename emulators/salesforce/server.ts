/**
 * Request dispatch: fault injection (before the call, or on its reply), OAuth, then the versioned REST API behind Bearer auth and the daily API
 * request limit (every API response carries `Sforce-Limit-Info: api-usage=N/LIMIT`, as jsforce reads into
 * conn.limitInfo). Control routes (/_emulator/...) are handled by the caller before this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleCollections } from './collections.js';
import { ApiError, notFound } from './errors.js';
import { actsAfter, faultReply, type Faults, type FaultSpec } from './faults.js';
import type { HeldReplies } from '../shared/holds.js';
import { callOptionsClient, delay, readBody, send, type Reply } from './http.js';
import type { Sessions } from './oauth.js';
import type { ApiContext, Org } from './org.js';
import { handleQuery } from './query.js';
import { handleSoap, SOAP_PATH } from './soap.js';
import { handleSObjects } from './sobject-rows.js';

export const MIN_API_VERSION = 20;
export const MAX_API_VERSION = 68;
const MAX_LOG_ENTRIES = 10_000;

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Status the client received; 0 when an injected fault dropped the connection. */
  status: number;
  client?: string;
}

export interface ServerDeps {
  org: Org;
  sessions: Sessions;
  faults: Faults;
  held: HeldReplies;
  /** Bumped by reset(), so calls that began before it are not logged after it. */
  resets: { count: number };
  apiLimit: number;
  usage: { count: number };
  log: RequestLogEntry[];
  /** Response time added to every request (SalesforceEmulatorOptions.latencyMs). */
  latencyMs?: number;
}

/** Release names run Winter/Spring/Summer from v20.0 = Winter '11. */
function versionLabel(major: number): string {
  const k = major - 20;
  const season = ['Winter', 'Spring', 'Summer'][k % 3] ?? 'Winter';
  return `${season} '${String(11 + Math.floor(k / 3)).padStart(2, '0')}`;
}

function versions(): Array<{ label: string; url: string; version: string }> {
  const out = [];
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
    out.push({ label: versionLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

function errorReply(err: unknown): Reply {
  if (err instanceof ApiError) return { status: err.status, body: err.body() };
  process.stderr.write(`[salesforce-emulator] internal error: ${(err as Error).stack ?? String(err)}\n`);
  return {
    status: 500,
    body: [{ message: `Emulator error: ${(err as Error).message}`, errorCode: 'UNKNOWN_EXCEPTION' }],
  };
}

function apiDirectory(base: string): Reply {
  const names = ['sobjects', 'query', 'queryAll', 'composite', 'limits'];
  return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
}

function routeApi(ctx: ApiContext, deps: ServerDeps): Reply {
  const [first, second] = ctx.segments;
  switch (first) {
    case undefined:
      return apiDirectory(ctx.versionBase);
    case 'sobjects':
      return handleSObjects(ctx);
    case 'query':
    case 'queryAll':
      return handleQuery(ctx);
    case 'composite':
      if (second === 'sobjects') return handleCollections(ctx);
      throw notFound();
    case 'limits':
      return {
        status: 200,
        body: { DailyApiRequests: { Max: deps.apiLimit, Remaining: Math.max(0, deps.apiLimit - deps.usage.count) } },
      };
    default:
      throw notFound();
  }
}

const API_PATH = /^\/services\/data\/v(\d+)\.(\d)(\/.*)?$/;

async function dispatch(
  req: IncomingMessage,
  url: URL,
  method: string,
  rawBody: Buffer,
  client: string | undefined,
  deps: ServerDeps,
): Promise<Reply> {
  const { pathname } = url;
  if (pathname === '/services/oauth2/token' && method === 'POST') {
    return deps.sessions.token(rawBody, req.headers, url.searchParams);
  }
  if (pathname === '/services/oauth2/revoke' && method === 'POST')
    return deps.sessions.revoke(rawBody, url.searchParams);
  if (pathname === '/services/oauth2/userinfo' || pathname.startsWith('/id/')) {
    return deps.sessions.identity(req.headers, url.searchParams);
  }
  if (pathname === '/services/data' || pathname === '/services/data/') return { status: 200, body: versions() };
  if (SOAP_PATH.test(pathname) && method === 'POST') return handleSoap(rawBody, deps);

  const m = API_PATH.exec(pathname);
  if (!m) throw notFound();
  const major = Number(m[1]);
  if (major < MIN_API_VERSION || major > MAX_API_VERSION || m[2] !== '0') throw notFound();
  if (!deps.sessions.isValid(deps.sessions.tokenFrom(req.headers))) {
    throw new ApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  }
  if (deps.usage.count >= deps.apiLimit)
    throw new ApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  deps.usage.count += 1;
  const version = `${major}.0`;
  const ctx: ApiContext = {
    org: deps.org,
    method,
    segments: (m[3] ?? '')
      .split('/')
      .filter(Boolean)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          throw notFound();
        }
      }),
    query: url.searchParams,
    rawBody,
    headers: req.headers,
    version,
    versionBase: `/services/data/v${version}`,
    client,
  };
  return routeApi(ctx, deps);
}

/** What a request gets: a reply, or (injected) a connection closed without one. */
type Outcome = Reply | 'drop';

/** A fault acting before the call runs (nothing is applied); undefined lets the call go on. */
async function faultBefore(fault: FaultSpec, pathname: string): Promise<Outcome | undefined> {
  if (fault.latencyMs) await delay(fault.latencyMs);
  if (fault.dropConnection) return 'drop';
  return fault.status ? faultReply(fault, pathname) : undefined;
}

/** A fault acting on the reply of a call that has been applied and committed. */
async function faultAfter(
  fault: FaultSpec,
  reply: Outcome,
  pathname: string,
  hold: (gate: string) => Promise<void>,
): Promise<Outcome> {
  if (fault.latencyMs) await delay(fault.latencyMs);
  if (fault.hold !== undefined) await hold(fault.hold);
  if (fault.dropConnection) return 'drop';
  return fault.status ? faultReply(fault, pathname) : reply;
}

export async function handleServiceRequest(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const { pathname } = url;
  const method = (req.method ?? 'GET').toUpperCase();
  const client = callOptionsClient(req.headers['sforce-call-options']);
  const generation = deps.resets.count;
  let fault: FaultSpec | undefined;
  let outcome: Outcome;
  try {
    const rawBody = await readBody(req);
    if (deps.latencyMs) await delay(deps.latencyMs);
    fault = deps.faults.take(method, pathname);
    const early = fault && !actsAfter(fault) ? await faultBefore(fault, pathname) : undefined;
    outcome = early ?? (await dispatch(req, url, method, rawBody, client, deps));
  } catch (err) {
    outcome = errorReply(err);
  }
  // Usage as of the call, even when its reply is held while other calls run.
  const limitInfo = `api-usage=${deps.usage.count}/${deps.apiLimit}`;
  if (fault && actsAfter(fault)) {
    // `close` comes once the reply has been written (or the client went away): close() waits for that.
    const answered = () => new Promise<void>((resolve) => res.once('close', () => resolve()));
    const hold = (gate: string) => deps.held.wait(gate, method, pathname, answered());
    outcome = await faultAfter(fault, outcome, pathname, hold);
  }
  // A request that began before a reset (a held or slow reply) stays out of the new log.
  if (generation === deps.resets.count) {
    const status = outcome === 'drop' ? 0 : outcome.status;
    deps.log.push({ method, path: pathname, status, ...(client ? { client } : {}) });
    // Bounded so a long-running local emulator does not grow without limit.
    if (deps.log.length > MAX_LOG_ENTRIES) deps.log.splice(0, deps.log.length - MAX_LOG_ENTRIES);
  }
  if (outcome === 'drop') {
    req.socket.destroy();
    return;
  }
  if (API_PATH.test(pathname)) outcome.headers = { ...outcome.headers, 'Sforce-Limit-Info': limitInfo };
  send(res, outcome);
}
