import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { CatalogRowBase } from '../../core/catalog.js';
import { decodeCursor, encodeCursor, pageSize } from '../../platform/graphql/pagination.js';

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<N> {
  edges: Array<{ cursor: string; node: N }>;
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * `<Name>Edge` and `<Name>Connection` object types for a node type (Relay connections). `totalCount: false` leaves
 * the count out, for lists too long to count on every page (the sync history).
 */
export function connectionTypes<N extends object>(name: string, node: ClassType<N>, opts = { totalCount: true }) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: N;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements Connection<N> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    totalCount!: number;
  }
  if (opts.totalCount) Field(() => Int)(ConnectionType.prototype, 'totalCount');
  return { Edge, Connection: ConnectionType };
}

/** Which time column a keyset page walks, and which way: a catalog oldest first, a history newest first. */
export interface KeysetOrder {
  time: string;
  direction: 'asc' | 'desc';
}

const OLDEST_FIRST: KeysetOrder = { time: 'createdAt', direction: 'asc' };

/**
 * One page with opaque keyset cursors over (time, id): stable under inserts, unlike offsets, whichever way it
 * walks. `filters` narrow the whole list.
 */
export async function keysetPage<R extends { id: string }, N>(
  em: EntityManager,
  entity: EntityClass<R>,
  filters: FilterQuery<R>[],
  args: { first?: number | null | undefined; after?: string | null | undefined },
  toNode: (row: R) => N,
  order: KeysetOrder = OLDEST_FIRST,
): Promise<Omit<Connection<N>, 'totalCount'>> {
  const limit = pageSize(args.first);
  const pageWhere: FilterQuery<R>[] = [...filters];
  if (args.after) {
    const key = decodeCursor(args.after);
    const beyond = order.direction === 'asc' ? '$gt' : '$lt';
    pageWhere.push({
      $or: [{ [order.time]: { [beyond]: key.createdAt } }, { [order.time]: key.createdAt, id: { [beyond]: key.id } }],
    } as FilterQuery<R>);
  }
  const rows = await em.find(entity, (pageWhere.length ? { $and: pageWhere } : {}) as FilterQuery<R>, {
    orderBy: [{ [order.time]: order.direction }, { id: order.direction }] as never,
    limit: limit + 1,
  });
  const timeOf = (r: R) => (r as unknown as Record<string, Date>)[order.time]!;
  const edges = rows
    .slice(0, limit)
    .map((r) => ({ cursor: encodeCursor({ createdAt: timeOf(r), id: r.id }), node: toNode(r) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** One page of a catalog, oldest first, with the number of records all its pages hold (`totalCount`). */
export async function page<R extends CatalogRowBase, N>(
  em: EntityManager,
  entity: EntityClass<R>,
  filters: FilterQuery<R>[],
  args: { first?: number | null | undefined; after?: string | null | undefined },
  toNode: (row: R) => N,
): Promise<Connection<N>> {
  const [connection, totalCount] = await Promise.all([
    keysetPage(em, entity, filters, args, toNode),
    em.count(entity, (filters.length ? { $and: filters } : {}) as FilterQuery<R>),
  ]);
  return { ...connection, totalCount };
}
