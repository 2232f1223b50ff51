/** Providers the catalog syncs with. Values are the GraphQL enum values and the database values. */
export enum Provider {
  STRIPE = 'STRIPE',
  SALESFORCE = 'SALESFORCE',
}

export enum EntityType {
  CUSTOMER = 'CUSTOMER',
  INVOICE = 'INVOICE',
}

/** Where a change came from: a local mutation or one of the providers (webhook, poll, import). */
export type Origin = 'LOCAL' | Provider;

export enum SyncStateValue {
  PENDING = 'PENDING',
  SYNCING = 'SYNCING',
  SYNCED = 'SYNCED',
  FAILED = 'FAILED',
}

export enum InvoiceStatus {
  DRAFT = 'draft',
  OPEN = 'open',
  PAID = 'paid',
  VOID = 'void',
  UNCOLLECTIBLE = 'uncollectible',
}

export const ALL_PROVIDERS: readonly Provider[] = [Provider.STRIPE, Provider.SALESFORCE];
