import { randomUUID } from 'node:crypto';
import type { EntityType, Origin } from './enums.js';

/**
 * Every message on every topic has this shape. `id` is unique per event and is the idempotency key that
 * consumers and provider writes are derived from; `entityId` is the Kafka key, so one entity's events stay in order.
 */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  type: string;
  entityType: EntityType;
  entityId: string;
  origin: Origin;
  /**
   * The provider that already holds exactly this version (the change came from it and it was recorded SYNCED
   * there in the same transaction): its outbound worker skips the event without reading anything.
   */
  heldBy?: string | undefined;
  createdAt: string;
  payload: P;
}

export function newEnvelope<P>(fields: Omit<EventEnvelope<P>, 'id' | 'createdAt'>): EventEnvelope<P> {
  return { id: randomUUID(), createdAt: new Date().toISOString(), ...fields };
}

export function isEnvelope(value: unknown): value is EventEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.type === 'string' &&
    typeof v.entityType === 'string' &&
    typeof v.entityId === 'string' &&
    typeof v.createdAt === 'string' &&
    typeof v.payload === 'object' &&
    v.payload !== null
  );
}

/** Parses a message body; a malformed message yields undefined (consumers log and skip it, never crash-loop). */
export function parseEnvelope(raw: Buffer | string | null | undefined): EventEnvelope | undefined {
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw.toString());
    return isEnvelope(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
