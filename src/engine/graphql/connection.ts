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

/**
 * One page of a catalog, oldest first, with opaque keyset cursors over (createdAt, id): stable under inserts,
 * unlike offsets. `filters` narrow the whole list (totalCount counts them all).
 */
export async function page<R extends CatalogRowBase, N>(
  em: EntityManager,
  entity: EntityClass<R>,
  filters: FilterQuery<R>[],
  args: { first?: number | null | undefined; after?: string | null | undefined },
  toNode: (row: R) => N,
): Promise<Connection<N>> {
  const limit = pageSize(args.first);
  const pageWhere: FilterQuery<R>[] = [...filters];
  if (args.after) {
    const key = decodeCursor(args.after);
    pageWhere.push({
      $or: [{ createdAt: { $gt: key.createdAt } }, { createdAt: key.createdAt, id: { $gt: key.id } }],
    } as FilterQuery<R>);
  }
  const [rows, totalCount] = await Promise.all([
    em.find(entity, (pageWhere.length ? { $and: pageWhere } : {}) as FilterQuery<R>, {
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] as never,
      limit: limit + 1,
    }),
    em.count(entity, (filters.length ? { $and: filters } : {}) as FilterQuery<R>),
  ]);
  const edges = rows.slice(0, limit).map((r) => ({ cursor: encodeCursor(r), node: toNode(r) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
