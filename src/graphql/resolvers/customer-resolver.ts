import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Customer } from '../../domain/entities/index.js';
import { ValidationError } from '../../errors.js';
import type { GraphQLContext } from '../context.js';
import { decodeCursor, encodeCursor, pageSize } from '../pagination.js';
import { CreateCustomerInput, CustomerConnection, CustomerType, UpdateCustomerInput } from '../types/customer.js';
import { ExternalMappingType, SyncStatus } from '../types/sync-status.js';
import { toSyncStatus } from './sync-status-resolver.js';

function toGraphQL(c: Customer): CustomerType {
  return Object.assign(new CustomerType(), {
    id: c.id,
    name: c.name,
    email: c.email,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    deletedAt: c.deletedAt ?? null,
  });
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (ch) => '\\' + ch)}%`;

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: 'Customers, oldest first, as a Relay connection.' })
  async customers(
    @Ctx() { em }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('search', () => String, { nullable: true, description: 'Case-insensitive match on name or email.' })
    search?: string,
    @Arg('includeDeleted', () => Boolean, { defaultValue: false }) includeDeleted = false,
  ): Promise<CustomerConnection> {
    const limit = pageSize(first);
    const filters: FilterQuery<Customer>[] = [];
    if (!includeDeleted) filters.push({ deletedAt: null });
    if (search && search.length > 200)
      throw new ValidationError([{ field: 'search', message: 'must be at most 200 characters' }]);
    if (search?.trim()) {
      const pattern = likePattern(search.trim());
      filters.push({ $or: [{ name: { $ilike: pattern } }, { email: { $ilike: pattern } }] });
    }
    const where: FilterQuery<Customer> = filters.length ? { $and: filters } : {};
    const pageWhere: FilterQuery<Customer>[] = [...filters];
    if (after) {
      const key = decodeCursor(after);
      pageWhere.push({
        $or: [{ createdAt: { $gt: key.createdAt } }, { createdAt: key.createdAt, id: { $gt: key.id } }],
      });
    }
    const [rows, totalCount] = await Promise.all([
      em.find(Customer, pageWhere.length ? { $and: pageWhere } : {}, {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        limit: limit + 1,
      }),
      em.count(Customer, where),
    ]);
    const page = rows.slice(0, limit);
    const edges = page.map((c) => ({ cursor: encodeCursor(c), node: toGraphQL(c) }));
    return {
      edges,
      totalCount,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  @Query(() => CustomerType, { description: 'One customer by id; NOT_FOUND if there is none (or it was deleted).' })
  async customer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('includeDeleted', () => Boolean, { defaultValue: false }) includeDeleted = false,
  ): Promise<CustomerType> {
    return toGraphQL(await services.customers.get(em, id, { includeDeleted }));
  }

  @Mutation(() => CustomerType, { description: 'Creates a customer; it is then synced to every enabled provider.' })
  async createCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('input', () => CreateCustomerInput) input: CreateCustomerInput,
  ): Promise<CustomerType> {
    const customer = await services.customers.create(em, { name: input.name, email: input.email });
    services.afterCommit();
    return toGraphQL(customer);
  }

  @Mutation(() => CustomerType)
  async updateCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
  ): Promise<CustomerType> {
    const customer = await services.customers.update(em, id, {
      name: input.name ?? undefined,
      email: input.email ?? undefined,
      expectedVersion: input.expectedVersion ?? undefined,
    });
    services.afterCommit();
    return toGraphQL(customer);
  }

  @Mutation(() => CustomerType, { description: 'Deletes a customer here and, through sync, in every provider.' })
  async deleteCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<CustomerType> {
    const customer = await services.customers.delete(em, id);
    services.afterCommit();
    return toGraphQL(customer);
  }

  @FieldResolver(() => [ExternalMappingType])
  async externalMappings(
    @Root() customer: CustomerType,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<ExternalMappingType[]> {
    const rows = await loaders.customerMappings.load(customer.id);
    return rows.map((m) => ({
      provider: m.provider,
      externalId: m.externalId,
      lastSyncedVersion: m.lastSyncedVersion ?? null,
      updatedAt: m.updatedAt,
    }));
  }

  @FieldResolver(() => [SyncStatus], { description: 'One entry per enabled provider.' })
  async syncStatus(@Root() customer: CustomerType, @Ctx() { loaders }: GraphQLContext): Promise<SyncStatus[]> {
    return (await loaders.customerStatuses.load(customer.id)).map(toSyncStatus);
  }
}
