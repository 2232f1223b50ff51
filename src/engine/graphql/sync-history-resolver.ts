import { LockMode } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../core/errors.js';
import { providerTopics } from '../../core/topics.js';
import { DeadLetter, OutboxEvent, SyncEvent } from '../entities/index.js';
import { assertUuid } from '../records.js';
import { requeue } from '../requeue.js';
import { keysetPage, type KeysetOrder } from './connection.js';
import type { GraphQLContext } from './context.js';
import { EntityType, Provider } from './enums.js';
import {
  DeadLetterConnection,
  DeadLetterType,
  SyncDirection,
  SyncEventConnection,
  SyncEventType,
} from './sync-history-types.js';

const NEWEST_FIRST_AT: KeysetOrder = { time: 'at', direction: 'desc' };
const NEWEST_FIRST: KeysetOrder = { time: 'createdAt', direction: 'desc' };

const toEvent = (e: SyncEvent): SyncEventType =>
  Object.assign(new SyncEventType(), { ...e, direction: e.direction as SyncDirection });
const toDeadLetter = (d: DeadLetter): DeadLetterType =>
  Object.assign(new DeadLetterType(), { ...d, direction: d.direction as SyncDirection });

/** The sync history and the dead letters, for people: what happened to a record, and what needs a hand. */
@Resolver()
export class SyncHistoryResolver {
  @Query(() => SyncEventConnection, {
    description:
      'The sync history, newest first: every attempt and inbound change, with its outcome, error and the ' +
      "provider's request id. Filter by record (entityType + entityId) and/or provider.",
  })
  async syncEvents(
    @Ctx() { em }: GraphQLContext,
    @Arg('entityType', () => EntityType, { nullable: true }) entityType?: string | null,
    @Arg('entityId', () => ID, { nullable: true }) entityId?: string | null,
    @Arg('provider', () => Provider, { nullable: true }) provider?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100 (default 20).' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    if (entityId) assertUuid(entityId, 'entityId');
    const filters = {
      ...(entityType ? { entityType } : {}),
      ...(entityId ? { entityId } : {}),
      ...(provider ? { provider } : {}),
    };
    return keysetPage(em, SyncEvent, [filters], { first, after }, toEvent, NEWEST_FIRST_AT);
  }

  @Query(() => DeadLetterConnection, {
    description: 'Sync events the workers gave up on, newest first; replayDeadLetter sends one again.',
  })
  async deadLetters(
    @Ctx() { em }: GraphQLContext,
    @Arg('provider', () => Provider, { nullable: true }) provider?: string | null,
    @Arg('includeReplayed', () => Boolean, { defaultValue: false }) includeReplayed = false,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100 (default 20).' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    const filters = { ...(provider ? { provider } : {}), ...(includeReplayed ? {} : { replayedAt: null }) };
    const [connection, totalCount] = await Promise.all([
      keysetPage(em, DeadLetter, [filters], { first, after }, toDeadLetter, NEWEST_FIRST),
      em.count(DeadLetter, filters),
    ]);
    return { ...connection, totalCount };
  }

  @Mutation(() => DeadLetterType, {
    description:
      'Sends a dead letter again: an outbound one queues the record’s current version for its provider (as ' +
      'retrySync does), an inbound one puts the provider’s change back on the inbound topic. If it fails again, ' +
      'a new dead letter says why.',
  })
  async replayDeadLetter(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<DeadLetterType> {
    assertUuid(id);
    const letter = await em.findOne(DeadLetter, { id });
    if (!letter) throw new NotFoundError('DeadLetter', id);
    if (letter.direction === SyncDirection.OUTBOUND && letter.entityId) {
      // requeue marks this record's outbound dead letters at the provider replayed, this one included.
      await requeue(em, services.catalogs.get(letter.entityType), letter.entityId, letter.provider);
    } else {
      await em.transactional(async (tx) => {
        const row = await tx.findOneOrFail(DeadLetter, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (row.replayedAt) return; // replayed meanwhile: once is enough
        row.replayedAt = new Date();
        tx.create(OutboxEvent, {
          id: randomUUID(),
          topic: providerTopics(row.provider).inbound,
          key: row.externalId ?? row.id,
          type: 'sync.replay',
          payload: row.message ?? {},
          createdAt: new Date(),
        });
      });
    }
    services.afterCommit();
    em.clear();
    return toDeadLetter(await em.findOneOrFail(DeadLetter, { id }));
  }
}
