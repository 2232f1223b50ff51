import type { EntityType } from '../core/enums.js';
import type { InboundMessage } from '../core/provider.js';

/**
 * "Compare everything again": queued on `inbound.<provider>` by a provider's poller when its change feed cannot
 * say what changed since its cursor (e.g. the provider purged its delete log). The inbound worker answers it
 * with an import of that catalog that also looks for deletes (`Backfill`, `findDeleted`): every provider record
 * is applied, and every linked record the provider no longer lists is read again, so a delete that happened in
 * the gap is applied like any other.
 */
export interface ResyncMessage {
  kind: 'catalog-sync.resync';
  entityType: EntityType;
  reason: string;
}

/** The message a poller returns to ask for a full resync of one catalog. */
export function resyncMessage(entityType: EntityType, reason: string): InboundMessage {
  const body: ResyncMessage = { kind: 'catalog-sync.resync', entityType, reason };
  return { key: `resync:${entityType}`, value: JSON.stringify(body) };
}

/** The resync a message asks for, or undefined when the message is something else. */
export function parseResync(body: unknown): ResyncMessage | undefined {
  const m = body as Partial<ResyncMessage> | null;
  if (!m || m.kind !== 'catalog-sync.resync' || typeof m.entityType !== 'string') return undefined;
  return { kind: m.kind, entityType: m.entityType, reason: typeof m.reason === 'string' ? m.reason : '' };
}
