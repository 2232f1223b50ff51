import { defineEntity } from '@mikro-orm/core';

import { timestamps } from './timestamps.js';

const p = defineEntity.properties;

/**
 * Links a local record to its twin in one provider, with what we last wrote there (for echo suppression).
 *
 * The row exists from the moment we start creating the twin, before the provider call (a write intent): then
 * `externalId` is null and `createKey`/`createRecord` hold the create's idempotency key and the snapshot it sends,
 * so a retry repeats exactly that request (the provider answers with the same record) and an inbound change for a
 * provider record carrying our id knows which local record it is while the call is in flight.
 */
const ExternalMappingSchema = defineEntity({
  name: 'ExternalMapping',
  tableName: 'external_mapping',
  uniques: [
    { properties: ['entityType', 'entityId', 'provider'] },
    { properties: ['provider', 'entityType', 'externalId'] },
  ],
  properties: {
    id: p.uuid().primary(),
    entityType: p.string().length(64),
    entityId: p.uuid(),
    provider: p.string().length(64),
    externalId: p.string().length(64).nullable(),
    // The create in flight (or whose outcome is unknown): repeated as is until the provider's id is known.
    createKey: p.string().length(255).nullable(),
    createRecord: p.json<Record<string, unknown>>().nullable(),
    // False while the provider record may lack our id (it was made there, then linked or imported): the next
    // write to it stores the id (a requeue makes sure there is one), so later imports and events link by id.
    carriesOurId: p.boolean().default(true),
    lastSyncedVersion: p.integer().nullable(),
    lastSyncedHash: p.string().length(64).nullable(),
    // The fields as the provider last held them (after our write or its change): inbound changes apply only the
    // fields that differ from this, so a provider edit to one field cannot revert a local edit to another.
    lastSyncedData: p.json<Record<string, string | number | null>>().nullable(),
    ...timestamps,
  },
});

export class ExternalMapping extends ExternalMappingSchema.class {}
ExternalMappingSchema.setClass(ExternalMapping);
export { ExternalMappingSchema };
