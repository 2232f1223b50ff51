import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ValidationError } from '../../../core/errors.js';
import { textProblem } from '../../../core/text.js';
import type { GraphQLContext } from '../../../engine/graphql/context.js';
import { page, type Connection } from '../../../engine/graphql/connection.js';
import { externalMappingsOf, syncStatusOf } from '../../../engine/graphql/record-fields.js';
import { ExternalMappingType, SyncStatus } from '../../../engine/graphql/sync-status-type.js';
import { records } from '../../../engine/records.js';
import { customerCatalog } from '../definition.js';
import { Customer } from '../entity.js';
import { CreateCustomerInput, CustomerConnection, CustomerType, UpdateCustomerInput } from './types.js';

export function toCustomerType(c: Customer): CustomerType {
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
const def = customerCatalog;

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
  ): Promise<Connection<CustomerType>> {
    const filters: FilterQuery<Customer>[] = [];
    if (!includeDeleted) filters.push({ deletedAt: null });
    if (search && search.length > 200)
      throw new ValidationError([{ field: 'search', message: 'must be at most 200 characters' }]);
    const problem = search === undefined || search === null ? undefined : textProblem('search', search);
    if (problem) throw new ValidationError([problem]);
    if (search?.trim()) {
      const pattern = likePattern(search.trim());
      filters.push({ $or: [{ name: { $ilike: pattern } }, { email: { $ilike: pattern } }] });
    }
    return page(em, Customer, filters, { first, after }, toCustomerType);
  }

  @Query(() => CustomerType, { description: 'One customer by id; NOT_FOUND if there is none (or it was deleted).' })
  async customer(
    @Ctx() { em }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('includeDeleted', () => Boolean, { defaultValue: false }) includeDeleted = false,
  ): Promise<CustomerType> {
    return toCustomerType((await records.get(em, def, id, { includeDeleted })) as Customer);
  }

  @Mutation(() => CustomerType, { description: 'Creates a customer; it is then synced to every enabled provider.' })
  async createCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('input', () => CreateCustomerInput) input: CreateCustomerInput,
  ): Promise<CustomerType> {
    const customer = await services.changes.create(em, def, { name: input.name, email: input.email });
    services.afterCommit();
    return toCustomerType(customer as Customer);
  }

  @Mutation(() => CustomerType)
  async updateCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput,
  ): Promise<CustomerType> {
    const customer = await services.changes.update(
      em,
      def,
      id,
      { name: input.name ?? undefined, email: input.email ?? undefined },
      { expectedVersion: input.expectedVersion ?? undefined },
    );
    services.afterCommit();
    return toCustomerType(customer as Customer);
  }

  @Mutation(() => CustomerType, { description: 'Deletes a customer here and, through sync, in every provider.' })
  async deleteCustomer(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
  ): Promise<CustomerType> {
    const customer = await services.changes.delete(em, def, id);
    services.afterCommit();
    return toCustomerType(customer as Customer);
  }

  @FieldResolver(() => [ExternalMappingType])
  externalMappings(@Root() customer: CustomerType, @Ctx() ctx: GraphQLContext): Promise<ExternalMappingType[]> {
    return externalMappingsOf(ctx, def.entityType, customer.id);
  }

  @FieldResolver(() => [CustomerType], {
    description:
      'Other live customers with the same email. Sync links a provider record to an existing customer by email only ' +
      'when that customer has no twin at the provider yet; otherwise both are kept, and shown here to be merged.',
  })
  async possibleDuplicates(
    @Root() customer: CustomerType,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<CustomerType[]> {
    const same = await loaders.sameKey(def.entityType).load(customer.email);
    return same.filter((c) => c.id !== customer.id).map((c) => toCustomerType(c as Customer));
  }

  @FieldResolver(() => [SyncStatus], { description: 'One entry per enabled provider.' })
  syncStatus(@Root() customer: CustomerType, @Ctx() ctx: GraphQLContext): Promise<SyncStatus[]> {
    return syncStatusOf(ctx, def.entityType, customer.id);
  }
}
