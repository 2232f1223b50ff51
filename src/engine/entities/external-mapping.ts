import { defineEntity } from '@mikro-orm/core';

import { timestamps } from './timestamps.js';

const p = defineEntity.properties;

/** Links a local record to its twin in one provider, with what we last wrote there (for echo suppression). */
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
    externalId: p.string().length(64),
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
