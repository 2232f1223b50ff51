import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/**
 * Provider records deleted while not linked to anything here (their delete event had nothing to apply). An import
 * page listed before such a delete would otherwise create them from the page; a tombstoned record is read again
 * instead (engine/tombstones.ts).
 */
const ProviderTombstoneSchema = defineEntity({
  name: 'ProviderTombstone',
  tableName: 'provider_tombstone',
  uniques: [{ properties: ['provider', 'entityType', 'externalId'] }],
  indexes: [{ properties: ['deletedAt'] }],
  properties: {
    id: p.uuid().primary(),
    provider: p.string().length(64),
    entityType: p.string().length(64),
    externalId: p.string().length(64),
    deletedAt: p.datetime(),
  },
});

export class ProviderTombstone extends ProviderTombstoneSchema.class {}
ProviderTombstoneSchema.setClass(ProviderTombstone);
export { ProviderTombstoneSchema };
