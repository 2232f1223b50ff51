import type { ErrorRequestHandler } from 'express';

/**
 * For routes that read their own body (webhooks): reports a body the parser refused (`too_large` past the route's
 * limit, `malformed` for a bad encoding or an aborted upload), then passes the error on to be answered as usual.
 */
export function reportRefusedBodies(report: (reason: 'too_large' | 'malformed') => void): ErrorRequestHandler {
  return (err: unknown, _req, _res, next) => {
    const { type } = (err ?? {}) as { type?: unknown };
    if (typeof type === 'string') report(type === 'entity.too.large' ? 'too_large' : 'malformed');
    next(err);
  };
}
