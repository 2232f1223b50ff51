import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/**
 * The sync history: one row per event a worker handled for one provider (an outbound write attempt, or an inbound
 * change), written by `SyncHistory` from the same outcome the log line and the metrics come from. Read newest
 * first, per record or per provider (`Query.syncEvents`).
 */
const SyncEventSchema = defineEntity({
  name: 'SyncEvent',
  tableName: 'sync_event',
  indexes: [
    { properties: ['entityType', 'entityId', 'at'] },
    { properties: ['provider', 'at'] },
    { properties: ['at'] },
  ],
  properties: {
    id: p.uuid().primary(),
    at: p.datetime(),
    provider: p.string().length(64),
    direction: p.string().length(16),
    entityType: p.string().length(64),
    // Null for an inbound change that never touched a record (a duplicate, an echo, one the catalog cannot hold).
    entityId: p.uuid().nullable(),
    externalId: p.string().length(255).nullable(),
    outcome: p.string().length(32),
    error: p.text().nullable(),
    attempt: p.integer().nullable(),
    // The correlation id of the log lines about it: our outbox event id, or the provider's event id.
    eventId: p.string().length(255),
    providerRequestId: p.string().length(255).nullable(),
    durationMs: p.integer(),
  },
});

export class SyncEvent extends SyncEventSchema.class {}
SyncEventSchema.setClass(SyncEvent);
export { SyncEventSchema };
