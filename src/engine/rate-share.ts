import type { Logger } from '../core/logger.js';
import type { SharedRateLimit } from '../core/provider.js';
import type { KafkaTransport } from '../platform/kafka.js';
import { every } from '../platform/periodic.js';

export interface RateShare {
  provider: string;
  rateLimit: SharedRateLimit;
  /** The provider's outbound consumer group: every worker process of the provider is one member of it. */
  groupId: string;
}

/**
 * A provider's published rate limit is per account (Stripe: 100 requests/s live, 25 in test mode), however many
 * processes call it. Every few seconds each worker process counts the members of the provider's outbound consumer
 * group, one per worker process, and takes its part of the limit, so N workers together stay under it instead of
 * each taking all of it. While the group rebalances (no count) the last share stays.
 */
export function shareRateLimits(
  kafka: KafkaTransport,
  shares: readonly RateShare[],
  log: Logger,
  everyMs = 5000,
): { stop(): Promise<void> } {
  const tick = async () => {
    for (const s of shares) {
      const members = await kafka.groupMembers(s.groupId);
      if (members < 1) continue;
      const before = s.rateLimit.perSecond();
      s.rateLimit.setShare(members);
      if (s.rateLimit.perSecond() !== before)
        log.info('provider rate limit shared', {
          provider: s.provider,
          processes: members,
          perSecond: s.rateLimit.perSecond(),
        });
    }
  };
  return every(
    everyMs,
    tick,
    (error) => log.debug('could not count worker processes; keeping the rate limit share', { error }),
    { now: true },
  );
}
