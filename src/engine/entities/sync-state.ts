import { defineEntity } from '@mikro-orm/core';
import { SyncStateValue } from '../../core/enums.js';

const p = defineEntity.properties;

/** Per record and provider: where its latest change stands on the way to that provider. */
const SyncStateSchema = defineEntity({
  name: 'SyncState',
  tableName: 'sync_state',
  uniques: [{ properties: ['entityType', 'entityId', 'provider'] }],
  // Parents first: the children waiting for one parent's twin at a provider are found by it when it is linked.
  indexes: [{ properties: ['provider', 'waitingForType', 'waitingForId'] }],
  properties: {
    id: p.uuid().primary(),
    entityType: p.string().length(64),
    entityId: p.uuid(),
    provider: p.string().length(64),
    state: p.enum(() => SyncStateValue),
    // The entity version this provider must reach; a worker only marks SYNCED once it wrote at least this.
    targetVersion: p.integer(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    lastSyncedAt: p.datetime().nullable(),
    // Set while the record waits for a parent's twin at this provider (engine/parents.ts); PENDING meanwhile.
    waitingForType: p.string().length(64).nullable(),
    waitingForId: p.uuid().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class SyncState extends SyncStateSchema.class {}
SyncStateSchema.setClass(SyncState);
export { SyncStateSchema };
