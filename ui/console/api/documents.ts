// Every GraphQL operation the console sends. Plain strings: urql parses them once and adds __typename.

const STATUS = `entityType entityId provider state attempts lastError lastSyncedAt externalId targetVersion updatedAt
  waitingFor { entityType entityId }`;
const MAPPING = 'provider externalId lastSyncedVersion updatedAt url';
const PAGE = 'totalCount pageInfo { hasNextPage endCursor }';
const INVOICE_ROW = `id number amountCents currency status dueDate description version customer { id name }
  syncStatus { ${STATUS} }`;
const INVOICE = `id customerId number amountCents currency status description dueDate version createdAt updatedAt
  deletedAt customer { id name email } externalMappings { ${MAPPING} } syncStatus { ${STATUS} }`;
const CUSTOMER = `id name email version createdAt updatedAt deletedAt externalMappings { ${MAPPING} }
  syncStatus { ${STATUS} } possibleDuplicates { id name email }
  invoices { id number amountCents currency status dueDate }`;
const JOB =
  'id provider entityType status processed created linked updated unchanged skipped error startedAt finishedAt';

export const SYNC_STATUS_CHANGED = `subscription SyncStatusChanged($entityType: EntityType, $entityId: ID) {
  syncStatusChanged(entityType: $entityType, entityId: $entityId) { ${STATUS} }
}`;

export const PROVIDERS = `query Providers { providers { provider enabled configured webhook apiUsage { used limit } rateLimitPerSecond } }`;

export const CUSTOMERS = `query Customers($search: String, $first: Int, $after: String) {
  customers(search: $search, first: $first, after: $after) {
    ${PAGE} edges { cursor node { id name email version updatedAt syncStatus { ${STATUS} } } }
  }
}`;

export const CUSTOMER_PICK = `query CustomerPick($search: String) {
  customers(search: $search, first: 20) { totalCount edges { node { id name email } } }
}`;

export const CUSTOMER_BY_ID = `query Customer($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`;

export const CREATE_CUSTOMER = `mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) { ${CUSTOMER} }
}`;
export const UPDATE_CUSTOMER = `mutation UpdateCustomer($id: ID!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, input: $input) { ${CUSTOMER} }
}`;
export const DELETE_CUSTOMER = `mutation DeleteCustomer($id: ID!) { deleteCustomer(id: $id) { id deletedAt } }`;

export const INVOICES = `query Invoices($status: InvoiceStatus, $customerId: ID, $first: Int, $after: String) {
  invoices(status: $status, customerId: $customerId, first: $first, after: $after) {
    ${PAGE} edges { cursor node { ${INVOICE_ROW} } }
  }
}`;

export const INVOICE_BY_ID = `query Invoice($id: ID!) { invoice(id: $id) { ${INVOICE} } }`;

export const CREATE_INVOICE = `mutation CreateInvoice($input: CreateInvoiceInput!) {
  createInvoice(input: $input) { ${INVOICE} }
}`;
export const UPDATE_INVOICE = `mutation UpdateInvoice($id: ID!, $input: UpdateInvoiceInput!) {
  updateInvoice(id: $id, input: $input) { ${INVOICE} }
}`;
export const DELETE_INVOICE = `mutation DeleteInvoice($id: ID!) { deleteInvoice(id: $id) { id deletedAt } }`;

/** The invoice lifecycle moves, by the button that makes them. */
export const INVOICE_MOVES = {
  finalize: `mutation FinalizeInvoice($id: ID!, $v: Int) { finalizeInvoice(id: $id, expectedVersion: $v) { ${INVOICE} } }`,
  pay: `mutation MarkInvoicePaid($id: ID!, $v: Int) { markInvoicePaid(id: $id, expectedVersion: $v) { ${INVOICE} } }`,
  void: `mutation VoidInvoice($id: ID!, $v: Int) { voidInvoice(id: $id, expectedVersion: $v) { ${INVOICE} } }`,
  uncollectible: `mutation MarkInvoiceUncollectible($id: ID!, $v: Int) {
    markInvoiceUncollectible(id: $id, expectedVersion: $v) { ${INVOICE} }
  }`,
} as const;

export const RETRY_SYNC = `mutation RetrySync($entityType: EntityType!, $entityId: ID!, $provider: Provider!) {
  retrySync(entityType: $entityType, entityId: $entityId, provider: $provider) { ${STATUS} }
}`;

export const SYNC_EVENTS = `query SyncEvents($entityType: EntityType, $entityId: ID, $first: Int, $after: String) {
  syncEvents(entityType: $entityType, entityId: $entityId, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id at provider direction outcome error attempt eventId externalId providerRequestId durationMs } }
  }
}`;

export const SYNC_FAILURES = `query SyncFailures($provider: Provider) { syncFailures(first: 100, provider: $provider) { ${STATUS} } }`;

export const DEAD_LETTERS = `query DeadLetters($provider: Provider, $includeReplayed: Boolean!, $first: Int, $after: String) {
  deadLetters(provider: $provider, includeReplayed: $includeReplayed, first: $first, after: $after) {
    ${PAGE}
    edges { cursor node { id provider direction entityType entityId externalId error attempts createdAt replayedAt } }
  }
}`;

export const REPLAY_DEAD_LETTER = `mutation ReplayDeadLetter($id: ID!) { replayDeadLetter(id: $id) { id replayedAt } }`;

export const IMPORT_FROM_PROVIDER = `mutation ImportFromProvider($provider: Provider!, $entityType: EntityType!) {
  importFromProvider(provider: $provider, entityType: $entityType) { ${JOB} }
}`;
export const IMPORT_JOB = `query ImportJob($id: ID!) { importJob(id: $id) { ${JOB} } }`;

export const CUSTOMER_NAME = `query CustomerName($id: ID!) { customer(id: $id) { id name email } }`;

/** What a failure row names its record by (deleted records too: a failure may outlive its record). */
export const RECORD_LABELS = {
  CUSTOMER: `query CustomerLabel($id: ID!) { customer(id: $id, includeDeleted: true) { id name deletedAt } }`,
  INVOICE: `query InvoiceLabel($id: ID!) {
    invoice(id: $id, includeDeleted: true) { id number deletedAt customer { id name } }
  }`,
} as const;
