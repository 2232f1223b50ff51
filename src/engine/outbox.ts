import type { EntityManager } from '@mikro-orm/postgresql';
import { newEnvelope, type EventEnvelope } from '../core/envelope.js';
import { OutboxEvent } from './entities/index.js';

/**
 * Adds an event to the outbox inside the caller's transaction. It reaches Kafka only if that transaction
 * commits, and then for certain (the relay retries until the broker takes it).
 */
export function enqueue<P extends object>(
  em: EntityManager,
  topic: string,
  fields: Omit<EventEnvelope<P>, 'id' | 'createdAt'>,
): EventEnvelope<P> {
  const envelope = newEnvelope(fields);
  em.create(OutboxEvent, {
    id: envelope.id,
    topic,
    key: envelope.entityId,
    type: envelope.type,
    payload: envelope as unknown as Record<string, unknown>,
    createdAt: new Date(envelope.createdAt),
  });
  return envelope;
}
