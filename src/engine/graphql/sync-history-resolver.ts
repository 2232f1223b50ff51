import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../core/errors.js';
import { providerTopics } from '../../core/topics.js';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/pagination.js';
import { DeadLetter, OutboxEvent, SyncEvent } from '../entities/index.js';
import { assertUuid } from '../records.js';
import { requeue } from '../requeue.js';
import type { GraphQLContext } from './context.js';
import { EntityType, Provider } from './enums.js';
import {
  DeadLetterConnection,
  DeadLetterType,
  SyncDirection,
  SyncEventConnection,
  SyncEventType,
} from './sync-history-types.js';

interface Keyed {
  id: string;
}

/**
 * Newest first over (time, id): a keyset page, stable while new rows arrive at the top. `at` names the row's
 * time column.
 */
async function newestFirst<R extends Keyed>(
  em: GraphQLContext['em'],
  entity: typeof SyncEvent | typeof DeadLetter,
  at: 'at' | 'createdAt',
  filters: Record<string, unknown>,
  args: { first?: number | null | undefined; after?: string | null | undefined },
  time: (row: R) => Date,
): Promise<{ rows: R[]; hasNextPage: boolean; cursor: (row: R) => string }> {
  const limit = pageSize(args.first);
  const where: Record<string, unknown>[] = [filters];
  if (args.after) {
    const key = decodeCursor(args.after);
    where.push({ $or: [{ [at]: { $lt: key.createdAt } }, { [at]: key.createdAt, id: { $lt: key.id } }] });
  }
  const rows = (await em.find(entity as never, { $and: where } as FilterQuery<never>, {
    orderBy: [{ [at]: 'desc' }, { id: 'desc' }] as never,
    limit: limit + 1,
  })) as R[];
  return {
    rows: rows.slice(0, limit),
    hasNextPage: rows.length > limit,
    cursor: (row) => encodeCursor({ createdAt: time(row), id: row.id }),
  };
}

function connection<R extends Keyed, N>(
  page: { rows: R[]; hasNextPage: boolean; cursor: (row: R) => string },
  after: string | null | undefined,
  toNode: (row: R) => N,
) {
  const edges = page.rows.map((r) => ({ cursor: page.cursor(r), node: toNode(r) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

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
    const page = await newestFirst<SyncEvent>(em, SyncEvent, 'at', filters, { first, after }, (e) => e.at);
    return connection(page, after, toEvent);
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
    const [page, totalCount] = await Promise.all([
      newestFirst<DeadLetter>(em, DeadLetter, 'createdAt', filters, { first, after }, (d) => d.createdAt),
      em.count(DeadLetter, filters),
    ]);
    return { ...connection(page, after, toDeadLetter), totalCount };
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
