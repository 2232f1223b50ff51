import { LockMode } from '@mikro-orm/core';
import { LockKeys, lockXact } from '../db/advisory-locks.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer, SyncState } from '../domain/entities/index.js';
import { EntityType, type Provider } from '../domain/enums.js';

/**
 * Serializes everything that applies one provider record (webhook, poll, import): the second waits, then finds
 * the first one's mapping instead of creating a duplicate customer. Taken first, before any row lock, so the
 * lock order is always: provider record, customer row, sync state. Re-entrant within a transaction.
 */
export async function lockExternalRecord(tx: EntityManager, provider: Provider, externalId: string): Promise<void> {
  await lockXact(tx, LockKeys.providerRecord, `${provider}:${externalId}`);
}

/**
 * Locks a customer for applying a provider change: the customer row first, then its sync state with that
 * provider. Every path takes them in this order — mutations lock the customer and then update sync states;
 * outbound writes lock only sync states — so the three can never wait on each other in a cycle (deadlock).
 * Holding the sync state lock also waits out an outbound write of ours to the same record.
 */
export async function lockForInbound(tx: EntityManager, customerId: string, provider: Provider): Promise<void> {
  await tx.findOne(Customer, { id: customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  await tx.find(
    SyncState,
    { entityType: EntityType.CUSTOMER, entityId: customerId, provider },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
}
