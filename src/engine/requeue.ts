import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { eventType, snapshotOf, type CatalogDefinition, type FieldValues } from '../core/catalog.js';
import { newEnvelope } from '../core/envelope.js';
import { SyncStateValue, type ProviderId } from '../core/enums.js';
import { NotFoundError } from '../core/errors.js';
import { providerTopics } from '../core/topics.js';
import { inTransaction } from '../platform/db/orm.js';
import { DeadLetter, ExternalMapping, OutboxEvent, SyncState } from './entities/index.js';
import type { RetryMessage } from './retry-message.js';
import { announce, toView, type SyncStatusView } from './sync-states.js';

/**
 * retrySync (also used when linking a record whose provider copy differs): puts a record's current version back
 * on one provider's retry topic (through the outbox, in one transaction with the state change), with a fresh
 * event id so the provider sees a new idempotency key.
 */
export async function requeue<F extends FieldValues>(
  em: EntityManager,
  def: CatalogDefinition<F>,
  entityId: string,
  provider: ProviderId,
  /** The retry topic's message key (default the record id); records queued under one key go out in order. */
  key: string = entityId,
): Promise<SyncStatusView> {
  const entityType = def.entityType;
  return inTransaction(em, async (tx) => {
    const row = await tx.findOne(def.entity, { id: entityId } as never);
    if (!row) throw new NotFoundError(def.label, entityId);
    // A record made while this provider was not enabled has no state yet: start one.
    const state =
      (await tx.findOne(SyncState, { entityType, entityId, provider })) ??
      tx.create(SyncState, {
        id: randomUUID(),
        entityType,
        entityId,
        provider,
        state: SyncStateValue.PENDING,
        targetVersion: row.version,
        attempts: 0,
      });
    const mapping = await tx.findOne(ExternalMapping, { entityType, entityId, provider });
    state.state = SyncStateValue.PENDING;
    state.attempts = 0;
    state.lastError = null;
    state.waitingForType = null;
    state.waitingForId = null;
    state.targetVersion = row.version;
    // The record goes out again: its outbound dead letters at this provider are dealt with.
    await tx.nativeUpdate(
      DeadLetter,
      { entityType, entityId, provider, direction: 'outbound', replayedAt: null },
      { replayedAt: new Date() },
    );
    announce(tx, state, mapping?.externalId ?? null);
    const envelope = newEnvelope({
      type: eventType(entityType, row.deletedAt ? 'deleted' : 'updated'),
      entityType,
      entityId,
      origin: 'LOCAL' as const,
      payload: snapshotOf(def, row) as Record<string, unknown>,
    });
    const message: RetryMessage = { envelope, attempt: 0, notBefore: 0 };
    tx.create(OutboxEvent, {
      id: envelope.id,
      topic: providerTopics(provider).retry,
      key,
      type: 'sync.retry',
      payload: message as unknown as Record<string, unknown>,
      createdAt: new Date(),
    });
    return toView(state, mapping?.externalId ?? null);
  });
}
