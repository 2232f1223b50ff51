import { DeadLetterSchema } from './dead-letter.js';
import { ExternalMappingSchema } from './external-mapping.js';
import { ImportJobSchema } from './import-job.js';
import { InboxEventSchema } from './inbox-event.js';
import { OutboxEventSchema } from './outbox-event.js';
import { PollCursorSchema } from './poll-cursor.js';
import { ProviderTombstoneSchema } from './provider-tombstone.js';
import { SyncEventSchema } from './sync-event.js';
import { SyncStateSchema } from './sync-state.js';

export { DeadLetter } from './dead-letter.js';
export { ExternalMapping } from './external-mapping.js';
export { ImportJob, ImportJobStatus } from './import-job.js';
export { InboxEvent } from './inbox-event.js';
export { OutboxEvent } from './outbox-event.js';
export { PollCursor } from './poll-cursor.js';
export { ProviderTombstone } from './provider-tombstone.js';
export { SyncEvent } from './sync-event.js';
export { SyncState } from './sync-state.js';

/** The engine's own tables (catalog tables come from the catalog definitions). */
export const engineEntities = [
  ExternalMappingSchema,
  SyncStateSchema,
  OutboxEventSchema,
  InboxEventSchema,
  ImportJobSchema,
  PollCursorSchema,
  SyncEventSchema,
  DeadLetterSchema,
  ProviderTombstoneSchema,
];
