// The shapes the console reads, as schema.graphql declares them (only the fields the console asks for).

export type Provider = 'STRIPE' | 'SALESFORCE';
export type EntityType = 'CUSTOMER' | 'INVOICE';
export type SyncState = 'PENDING' | 'SYNCING' | 'SYNCED' | 'FAILED';
export type InvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'VOID' | 'UNCOLLECTIBLE';
export type SyncDirection = 'OUTBOUND' | 'INBOUND';
export type ImportJobStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE'];

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: Array<{ cursor: string; node: T }>;
}

export interface SyncStatus {
  entityType: EntityType;
  entityId: string;
  provider: Provider;
  state: SyncState;
  attempts: number;
  lastError: string | null;
  lastSyncedAt: string | null;
  externalId: string | null;
  targetVersion: number;
  updatedAt: string;
  waitingFor: { entityType: EntityType; entityId: string } | null;
}

export interface ExternalMapping {
  provider: Provider;
  externalId: string;
  lastSyncedVersion: number | null;
  updatedAt: string;
  url: string | null;
}

export interface CustomerRow {
  id: string;
  name: string;
  email: string;
  version: number;
  updatedAt: string;
  syncStatus: SyncStatus[];
}

export interface InvoiceSummary {
  id: string;
  number: string | null;
  amountCents: number;
  currency: string;
  status: InvoiceStatus;
  dueDate: string | null;
}

export interface Customer extends CustomerRow {
  createdAt: string;
  deletedAt: string | null;
  externalMappings: ExternalMapping[];
  possibleDuplicates: Array<{ id: string; name: string; email: string }>;
  invoices: InvoiceSummary[];
}

export interface InvoiceRow extends InvoiceSummary {
  description: string | null;
  version: number;
  customer: { id: string; name: string };
  syncStatus: SyncStatus[];
}

export interface Invoice extends InvoiceRow {
  customerId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  customer: { id: string; name: string; email: string };
  externalMappings: ExternalMapping[];
}

export interface SyncEvent {
  id: string;
  at: string;
  provider: Provider;
  direction: SyncDirection;
  outcome: string;
  error: string | null;
  attempt: number | null;
  eventId: string;
  externalId: string | null;
  providerRequestId: string | null;
  durationMs: number;
}

export interface DeadLetter {
  id: string;
  provider: Provider;
  direction: SyncDirection;
  entityType: EntityType;
  entityId: string | null;
  externalId: string | null;
  error: string;
  attempts: number;
  createdAt: string;
  replayedAt: string | null;
}

export interface ProviderStatus {
  provider: Provider;
  enabled: boolean;
  configured: boolean;
  webhook: boolean;
  apiUsage: { used: number; limit: number } | null;
  rateLimitPerSecond: number | null;
}

export interface ImportJob {
  id: string;
  provider: Provider;
  entityType: EntityType;
  status: ImportJobStatus;
  processed: number;
  created: number;
  linked: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export const PROVIDER_NAMES: Record<Provider, string> = { STRIPE: 'Stripe', SALESFORCE: 'Salesforce' };
export const ENTITY_NAMES: Record<EntityType, string> = { CUSTOMER: 'Customer', INVOICE: 'Invoice' };
