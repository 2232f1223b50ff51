import { CustomerSchema } from './customer.js';
import { ExternalMappingSchema } from './external-mapping.js';
import { ImportJobSchema } from './import-job.js';
import { InboxEventSchema } from './inbox-event.js';
import { InvoiceSchema } from './invoice.js';
import { OutboxEventSchema } from './outbox-event.js';
import { PollCursorSchema } from './poll-cursor.js';
import { SyncStateSchema } from './sync-state.js';

export { Customer } from './customer.js';
export { ExternalMapping } from './external-mapping.js';
export { ImportJob, ImportJobStatus } from './import-job.js';
export { InboxEvent } from './inbox-event.js';
export { Invoice } from './invoice.js';
export { OutboxEvent } from './outbox-event.js';
export { PollCursor } from './poll-cursor.js';
export { SyncState } from './sync-state.js';

export const entities = [
  CustomerSchema,
  InvoiceSchema,
  ExternalMappingSchema,
  SyncStateSchema,
  OutboxEventSchema,
  InboxEventSchema,
  ImportJobSchema,
  PollCursorSchema,
];
