import { FanoutPubSub, type FanoutOptions } from '../../platform/fanout-pubsub.js';
import type { SyncStatusView } from '../sync-states.js';

/** The in-process pubsub trigger subscriptions listen on (not a Kafka topic). */
export const SYNC_STATUS_TRIGGER = 'SYNC_STATUS_CHANGED';

/**
 * In-process fan-out to this instance's graphql-ws subscribers. It is fed from Kafka `sync.status` (each API
 * instance consumes the whole topic), so a change made by any worker on any machine reaches every subscriber.
 *
 * A FanoutPubSub rather than `createPubSub` of `@graphql-yoga/subscription`: one instance carries 10,000+
 * subscribers of this one trigger, and the yoga pubsub's EventTarget walks a linked list of all of them on each
 * subscribe and unsubscribe, and a subscriber 1024 events behind makes it throw an uncaught RepeaterOverflowError.
 * Here a publish is one cheap pass over a Set, joining and leaving are O(1), and a subscriber more than
 * `maxQueued` (1000) events behind loses its oldest ones, counted in `dropped` (see src/platform/fanout-pubsub.ts).
 */
export function createSyncStatusPubSub(options?: FanoutOptions) {
  return new FanoutPubSub<{ [SYNC_STATUS_TRIGGER]: [SyncStatusView] }>(options);
}

export type SyncStatusPubSub = ReturnType<typeof createSyncStatusPubSub>;
