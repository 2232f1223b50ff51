/**
 * Injected failures, consumed one per matching request (the first matching fault wins): rate limiting
 * (403 REQUEST_LIMIT_EXCEEDED), outages (503/500), slowness (latencyMs), lost replies (phase 'after'), dropped
 * connections and held replies. Without `path` a fault hits REST API calls (/services/data/vXX.X/...) only, so a
 * test can break the API while token requests keep working; `path` is a substring of the URL path (e.g.
 * '/composite/sobjects', '/query', '/services/oauth2/token'), and a trailing `$` anchors it at the end of the path.
 */
import type { Reply } from './http.js';

export interface FaultSpec {
  /** Error status to answer (400-599): instead of running the call, or (phase 'after') instead of its reply. */
  status?: number;
  errorCode?: string;
  message?: string;
  count: number;
  /** Delay before the call runs, or (phase 'after') before its reply is sent. */
  latencyMs?: number;
  path?: string;
  /** Only requests with this HTTP method match (case-insensitive), e.g. 'PATCH' or 'DELETE'. */
  method?: string;
  /**
   * 'before' (default): the fault acts before the call runs, so nothing is applied. 'after': the call runs and
   * commits first (records written, outbound messages queued) and the fault acts on its reply only.
   */
  phase?: 'before' | 'after';
  /** Closes the socket without any reply (the client sees a network error). Cannot be combined with `status`. */
  dropConnection?: boolean;
  /**
   * Gate name: the call is applied (phase 'after' semantics), then its reply waits until `release(gate)` or
   * `POST /_emulator/release`; then `status`/`dropConnection` act if set, else the real reply is sent.
   */
  hold?: string;
}

const DEFAULTS: Record<number, { errorCode: string; message: string }> = {
  401: { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
  403: { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
  500: {
    errorCode: 'UNKNOWN_EXCEPTION',
    message:
      'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
  },
  503: { errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable. Please try again later.' },
};

export function faultError(f: FaultSpec): { errorCode: string; message: string } {
  const d = DEFAULTS[f.status ?? 500] ?? { errorCode: 'UNKNOWN_EXCEPTION', message: 'Injected fault' };
  return { errorCode: f.errorCode ?? d.errorCode, message: f.message ?? d.message };
}

/** The error reply for a fault with a status, in the OAuth or the REST API error shape. */
export function faultReply(f: FaultSpec, pathname: string): Reply {
  const status = f.status ?? 500;
  const { errorCode, message } = faultError(f);
  if (pathname.startsWith('/services/oauth2/')) {
    return { status, body: { error: errorCode.toLowerCase(), error_description: message } };
  }
  return { status, body: [{ message, errorCode }] };
}

/** Whether the fault acts on the reply of a call that has already been applied (phase 'after', or a hold). */
export function actsAfter(f: FaultSpec): boolean {
  return f.phase === 'after' || f.hold !== undefined;
}

export class Faults {
  private queue: FaultSpec[] = [];

  add(spec: FaultSpec): void {
    validate(spec);
    this.queue.push({ ...spec, ...(spec.method !== undefined ? { method: spec.method.toUpperCase() } : {}) });
  }

  clear(): void {
    this.queue = [];
  }

  /** The first pending fault matching this request, with one use consumed. */
  take(method: string, pathname: string): FaultSpec | undefined {
    const isApi = /^\/services\/data\/v\d+\.\d+(\/|$)/.test(pathname);
    const index = this.queue.findIndex(
      (f) => (f.method === undefined || f.method === method.toUpperCase()) && pathMatches(f.path, pathname, isApi),
    );
    const fault = this.queue[index];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.queue.splice(index, 1);
    return fault;
  }
}

function pathMatches(path: string | undefined, pathname: string, isApi: boolean): boolean {
  if (path === undefined) return isApi;
  return path.endsWith('$') ? pathname.endsWith(path.slice(0, -1)) : pathname.includes(path);
}

function validate(spec: FaultSpec): void {
  const optional = (name: keyof FaultSpec, type: 'number' | 'string' | 'boolean') => {
    if (spec[name] !== undefined && typeof spec[name] !== type) throw new Error(`fault ${name} must be a ${type}`);
  };
  if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('fault count must be a positive integer');
  optional('errorCode', 'string');
  optional('message', 'string');
  optional('path', 'string');
  optional('dropConnection', 'boolean');
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
    throw new Error('fault status must be an HTTP error status (400-599)');
  }
  if (spec.latencyMs !== undefined && (!Number.isFinite(spec.latencyMs) || spec.latencyMs < 0)) {
    throw new Error('fault latencyMs must be a non-negative number');
  }
  if (spec.method !== undefined && (typeof spec.method !== 'string' || !/^[A-Za-z]+$/.test(spec.method))) {
    throw new Error('fault method must be an HTTP method such as PATCH or DELETE');
  }
  if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
    throw new Error("fault phase must be 'before' or 'after'");
  }
  if (spec.dropConnection && spec.status !== undefined) {
    throw new Error('a fault cannot both answer a status and drop the connection');
  }
  if (spec.hold !== undefined) {
    if (typeof spec.hold !== 'string' || spec.hold === '') throw new Error('fault hold must be a non-empty gate name');
    if (spec.phase === 'before') {
      throw new Error("a held reply is held after the call is applied: leave phase unset or use 'after'");
    }
  }
  if (spec.status === undefined && spec.latencyMs === undefined && !spec.dropConnection && spec.hold === undefined) {
    throw new Error('a fault needs a status, latencyMs, dropConnection or hold');
  }
}
