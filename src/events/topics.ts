import { EntityType } from '../domain/enums.js';

/** Every topic the system uses. They are created explicitly at start-up (the broker does not auto-create). */
export const Topics = {
  customer: 'catalog.customer',
  invoice: 'catalog.invoice',
  syncStatus: 'sync.status',
  inboundStripe: 'inbound.stripe',
  inboundSalesforce: 'inbound.salesforce',
} as const;

export const ALL_TOPICS: readonly string[] = Object.values(Topics);

export function catalogTopic(entityType: EntityType): string {
  return entityType === EntityType.CUSTOMER ? Topics.customer : Topics.invoice;
}
