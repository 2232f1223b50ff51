/**
 * Injected failures, consumed one per matching request (the first matching fault wins): rate limiting
 * (403 REQUEST_LIMIT_EXCEEDED), outages (503/500), slowness (latencyMs), lost replies (phase 'after'), dropped
 * connections and held replies. Without `path` a fault hits REST API calls (/services/data/vXX.X/...) only, so a
 * test can break the API while token requests keep working; `path` is a substring of the URL path (e.g.
 * '/composite/sobjects', '/query', '/services/oauth2/token'), and a trailing `$` anchors it at the end of the path.
 */
import { validateReplyFault, type ReplyFaultSpec } from '../shared/reply-faults.js';
import type { Reply } from './http.js';

export { actsAfter } from '../shared/reply-faults.js';

/** An injected fault: the shared fields (emulators/shared/reply-faults.ts) plus Salesforce's error details. */
export interface FaultSpec extends ReplyFaultSpec {
  errorCode?: string;
  message?: string;
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
  for (const name of ['errorCode', 'message', 'path'] as const) {
    if (spec[name] !== undefined && typeof spec[name] !== 'string') throw new Error(`fault ${name} must be a string`);
  }
  validateReplyFault(spec);
}
