import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Bearer-token auth for the GraphQL API (HTTP and WebSocket). Tokens come from API_TOKENS; they are compared
 * as SHA-256 digests in constant time, so neither their length nor their content leaks through timing.
 */
export class ApiAuth {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map((t) => createHash('sha256').update(t).digest());
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Accepts `Bearer <token>` (or the bare token); true when auth is off. */
  check(authorization: unknown): boolean {
    if (!this.enabled) return true;
    if (typeof authorization !== 'string') return false;
    const token = authorization.replace(/^Bearer\s+/i, '');
    const digest = createHash('sha256').update(token).digest();
    return this.digests.some((d) => timingSafeEqual(d, digest));
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (this.check(req.header('authorization'))) return next();
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({
          errors: [
            {
              message: 'Missing or invalid API token (Authorization: Bearer <token>)',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        });
    };
  }
}
