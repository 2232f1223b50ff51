import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseEnvelope } from '../core/envelope.js';
import type { Logger } from '../core/logger.js';
import { SYNC_STATUS_TOPIC } from '../core/topics.js';
import type { KafkaTransport, Subscription } from '../platform/kafka.js';
import { SYNC_STATUS_TRIGGER, type SyncStatusPubSub } from './graphql/pubsub.js';
import type { SyncStatusView } from './sync-states.js';

/**
 * Feeds `sync.status` into this API instance's subscription pubsub. Every instance needs every event, so each
 * uses its own consumer group, starting at the end of the topic (subscribers only see changes from now on).
 */
export async function startSyncStatusFeed(
  kafka: KafkaTransport,
  pubSub: SyncStatusPubSub,
  logger: Logger,
): Promise<Subscription> {
  return kafka.subscribe({
    groupId: `catalog-sync-api-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    topics: [SYNC_STATUS_TOPIC],
    fromBeginning: false,
    // Each commit is a write on the broker; after a rejoin a second of statuses comes again, which shows the same.
    commitEveryMs: 1000,
    async handle(message) {
      const envelope = parseEnvelope(message.value);
      if (!envelope) {
        logger.warn('skipping malformed sync.status message', { offset: message.offset });
        return;
      }
      pubSub.publish(SYNC_STATUS_TRIGGER, envelope.payload as unknown as SyncStatusView);
    },
  });
}
