import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { SyncStatusView } from '../domain/sync-status.js';
import { parseEnvelope } from '../events/envelope.js';
import type { KafkaTransport, Subscription } from '../events/kafka.js';
import { Topics } from '../events/topics.js';
import { SYNC_STATUS_TOPIC, type SyncStatusPubSub } from '../graphql/pubsub.js';
import type { Logger } from '../logger.js';

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
    topics: [Topics.syncStatus],
    fromBeginning: false,
    async handle(message) {
      const envelope = parseEnvelope(message.value);
      if (!envelope) {
        logger.warn('skipping malformed sync.status message', { offset: message.offset });
        return;
      }
      pubSub.publish(SYNC_STATUS_TOPIC, envelope.payload as unknown as SyncStatusView);
    },
  });
}
