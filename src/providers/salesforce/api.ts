import type { Connection } from 'jsforce';
import type { Logger } from '../../core/logger.js';
import type { ProviderMetrics } from '../../core/provider.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import { toProviderError } from './errors.js';

/**
 * The jsforce connection plus the org's rate limit: every call of every adapter and of the poller goes through
 * `call`, so they share one limiter and one API usage count.
 */
export class SalesforceApi {
  private usageWarned = false;

  constructor(
    readonly conn: Connection,
    private readonly ready: () => Promise<void>,
    private readonly limiter: RateLimiter,
    private readonly logger: Logger,
    private readonly metrics?: ProviderMetrics,
  ) {}

  async call<T>(action: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(async () => {
        await this.ready();
        return fn(this.conn);
      }, this.metrics);
    } catch (err) {
      throw toProviderError(err, action);
    } finally {
      this.checkUsage();
    }
  }

  /** API usage reported by Salesforce in Sforce-Limit-Info on every response (jsforce parses it). */
  apiUsage(): { used: number; limit: number } | null {
    return this.conn.limitInfo?.apiUsage ?? null;
  }

  private checkUsage() {
    const usage = this.apiUsage();
    if (usage && usage.used / usage.limit >= 0.8 && !this.usageWarned) {
      this.usageWarned = true;
      this.logger.warn('Salesforce API usage above 80% of the daily limit', { used: usage.used, limit: usage.limit });
    }
  }
}
