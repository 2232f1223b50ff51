import { EntityType, Provider } from '../domain/enums.js';

/** Every topic the system uses. They are created explicitly at start-up (the broker does not auto-create). */
export const Topics = {
  customer: 'catalog.customer',
  invoice: 'catalog.invoice',
  syncStatus: 'sync.status',
  inboundStripe: 'inbound.stripe',
  inboundSalesforce: 'inbound.salesforce',
  retryStripe: 'retry.stripe',
  retrySalesforce: 'retry.salesforce',
  deadLetterStripe: 'dlq.stripe',
  deadLetterSalesforce: 'dlq.salesforce',
} as const;

export const ALL_TOPICS: readonly string[] = Object.values(Topics);

/** Per provider: where webhooks land, where failed writes wait for their retry, and where they go to die. */
export function providerTopics(provider: Provider): { inbound: string; retry: string; deadLetter: string } {
  return provider === Provider.STRIPE
    ? { inbound: Topics.inboundStripe, retry: Topics.retryStripe, deadLetter: Topics.deadLetterStripe }
    : { inbound: Topics.inboundSalesforce, retry: Topics.retrySalesforce, deadLetter: Topics.deadLetterSalesforce };
}

export function catalogTopic(entityType: EntityType): string {
  return entityType === EntityType.CUSTOMER ? Topics.customer : Topics.invoice;
}
