import { createPubSub } from '@graphql-yoga/subscription';
import type { SyncStatusView } from '../sync-states.js';

/** The in-process pubsub trigger subscriptions listen on (not a Kafka topic). */
export const SYNC_STATUS_TRIGGER = 'SYNC_STATUS_CHANGED';

/**
 * In-process fan-out to this instance's graphql-ws subscribers. It is fed from Kafka `sync.status` (each API
 * instance consumes the whole topic), so a change made by any worker on any machine reaches every subscriber.
 */
export function createSyncStatusPubSub() {
  return createPubSub<{ [SYNC_STATUS_TRIGGER]: [SyncStatusView] }>();
}

export type SyncStatusPubSub = ReturnType<typeof createSyncStatusPubSub>;
