import { defineEntity } from '@mikro-orm/core';
import { timestamps } from '../../engine/entities/timestamps.js';

const p = defineEntity.properties;

const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(200),
    email: p.string().length(320).index(),
    // Optimistic lock and the number the sync state compares against: every committed change bumps it.
    version: p.integer().version(),
    ...timestamps,
    // Soft delete: the row stays so the delete can reach the providers and late provider events find it.
    deletedAt: p.datetime().nullable(),
  },
});

export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);
export { CustomerSchema };
