import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { snapshot } from '../domain/customer-service.js';
import { Customer, ExternalMapping, OutboxEvent, SyncState } from '../domain/entities/index.js';
import { EntityType, SyncStateValue, type Provider } from '../domain/enums.js';
import { announce, toView, type SyncStatusView } from '../domain/sync-status.js';
import { newEnvelope } from '../events/envelope.js';
import { providerTopics } from '../events/topics.js';
import { AppError, NotFoundError } from '../errors.js';
import type { RetryMessage } from '../workers/retry-message.js';

/**
 * retrySync (also used when linking a record whose provider copy differs): puts a record's current version back
 * on one provider's retry topic (through the outbox, in one
 * transaction with the state change), with a fresh event id so the provider sees a new idempotency key.
 */
export async function retrySync(
  em: EntityManager,
  entityType: EntityType,
  entityId: string,
  provider: Provider,
): Promise<SyncStatusView> {
  if (entityType !== EntityType.CUSTOMER)
    throw new AppError('BAD_USER_INPUT', `Syncing ${entityType} is not supported yet`);
  return em.transactional(async (tx) => {
    const customer = await tx.findOne(Customer, { id: entityId });
    if (!customer) throw new NotFoundError(entityType === EntityType.CUSTOMER ? 'Customer' : entityType, entityId);
    // A record made while this provider was not enabled has no state yet: start one.
    const state =
      (await tx.findOne(SyncState, { entityType, entityId, provider })) ??
      tx.create(SyncState, {
        id: randomUUID(),
        entityType,
        entityId,
        provider,
        state: SyncStateValue.PENDING,
        targetVersion: customer.version,
        attempts: 0,
      });
    const mapping = await tx.findOne(ExternalMapping, { entityType, entityId, provider });
    state.state = SyncStateValue.PENDING;
    state.attempts = 0;
    state.lastError = null;
    state.targetVersion = customer.version;
    announce(tx, state, mapping?.externalId ?? null);
    const envelope = newEnvelope({
      type: customer.deletedAt ? 'customer.deleted' : 'customer.updated',
      entityType,
      entityId,
      origin: 'LOCAL' as const,
      payload: snapshot(customer) as unknown as Record<string, unknown>,
    });
    const message: RetryMessage = { envelope, attempt: 0, notBefore: 0 };
    tx.create(OutboxEvent, {
      id: envelope.id,
      topic: providerTopics(provider).retry,
      key: entityId,
      type: 'sync.retry',
      payload: message as unknown as Record<string, unknown>,
      createdAt: new Date(),
    });
    return toView(state, mapping?.externalId ?? null);
  });
}
