import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { EntityType, ProviderId } from '../core/enums.js';
import type { InboundChange } from '../core/provider.js';
import { providerTopics } from '../core/topics.js';
import { OutboxEvent } from './entities/index.js';

/**
 * "Read this provider record again and apply it": queued by the engine itself on `inbound.<provider>` (keyed by
 * the provider record id, so it stays in order with that record's other changes), e.g. when an update of a
 * linked record answers "not found": the provider deleted it, and the inbound path applies that delete with the
 * same locks and rules as a webhook would. Written through the outbox, so it survives a crash after the commit.
 */
export interface RecheckMessage {
  kind: 'catalog-sync.recheck';
  eventId: string;
  entityType: EntityType;
  externalId: string;
  reason: string;
}

export function enqueueRecheck(
  tx: EntityManager,
  provider: ProviderId,
  entityType: EntityType,
  externalId: string,
  reason: string,
): void {
  const message: RecheckMessage = {
    kind: 'catalog-sync.recheck',
    eventId: `recheck:${randomUUID()}`,
    entityType,
    externalId,
    reason,
  };
  tx.create(OutboxEvent, {
    id: randomUUID(),
    topic: providerTopics(provider).inbound,
    key: externalId,
    type: 'sync.recheck',
    payload: message as unknown as Record<string, unknown>,
    createdAt: new Date(),
  });
}

/** The change a recheck message asks for, or undefined when the message is something else. */
export function parseRecheck(body: unknown): InboundChange | undefined {
  const m = body as Partial<RecheckMessage> | null;
  if (!m || m.kind !== 'catalog-sync.recheck') return undefined;
  if (typeof m.eventId !== 'string' || typeof m.entityType !== 'string' || typeof m.externalId !== 'string')
    return undefined;
  return { eventId: m.eventId, entityType: m.entityType, externalId: m.externalId, markedOurs: false };
}
