/**
 * Injected failures, consumed one per matching request: rate limiting (403 REQUEST_LIMIT_EXCEEDED),
 * outages (503/500), slowness (latencyMs). Without `path` a fault hits REST API calls (/services/data/vXX.X/...)
 * only, so a test can break the API while token requests keep working; `path` is a substring of the URL path
 * (e.g. '/composite/sobjects', '/query', '/services/oauth2/token').
 */
export interface FaultSpec {
  status?: number;
  errorCode?: string;
  message?: string;
  count: number;
  latencyMs?: number;
  path?: string;
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

export class Faults {
  private queue: FaultSpec[] = [];

  add(spec: FaultSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('fault count must be a positive integer');
    this.queue.push({ ...spec });
  }

  clear(): void {
    this.queue = [];
  }

  /** The first pending fault matching this request path, with one use consumed. */
  take(pathname: string): FaultSpec | undefined {
    const isApi = /^\/services\/data\/v\d+\.\d+(\/|$)/.test(pathname);
    const index = this.queue.findIndex((f) => (f.path === undefined ? isApi : pathname.includes(f.path)));
    const fault = this.queue[index];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.queue.splice(index, 1);
    return fault;
  }
}
