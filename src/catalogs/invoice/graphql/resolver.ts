import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../../engine/graphql/context.js';
import { page, type Connection } from '../../../engine/graphql/connection.js';
import { externalMappingsOf, syncStatusOf } from '../../../engine/graphql/record-fields.js';
import { ExternalMappingType, SyncStatus } from '../../../engine/graphql/sync-status-type.js';
import { assertUuid, records } from '../../../engine/records.js';
import { customerCatalog } from '../../customer/definition.js';
import type { Customer } from '../../customer/entity.js';
import { CustomerType } from '../../customer/graphql/types.js';
import { toCustomerType } from '../../customer/graphql/resolver.js';
import { invoiceCatalog } from '../definition.js';
import { Invoice, InvoiceStatus } from '../entity.js';
import { checkDueDateAhead, type InvoiceFields } from '../validation.js';
import { CreateInvoiceInput, InvoiceConnection, InvoiceType, UpdateInvoiceInput } from './types.js';

const def = invoiceCatalog;

export function toInvoiceType(i: Invoice): InvoiceType {
  return Object.assign(new InvoiceType(), {
    id: i.id,
    customerId: i.customerId,
    number: i.number ?? null,
    amountCents: i.amountCents,
    currency: i.currency,
    status: i.status,
    description: i.description ?? null,
    dueDate: i.dueDate ?? null,
    version: i.version,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    deletedAt: i.deletedAt ?? null,
  });
}

const expected = (v: number | null | undefined) => ({ expectedVersion: v ?? undefined });

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @Query(() => InvoiceConnection, { description: 'Invoices, oldest first, as a Relay connection.' })
  async invoices(
    @Ctx() { em }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100 (default 20).' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('status', () => InvoiceStatus, { nullable: true }) status?: InvoiceStatus,
    @Arg('includeDeleted', () => Boolean, { defaultValue: false }) includeDeleted = false,
  ): Promise<Connection<InvoiceType>> {
    const filters: FilterQuery<Invoice>[] = [];
    if (!includeDeleted) filters.push({ deletedAt: null });
    if (customerId) {
      assertUuid(customerId, 'customerId');
      filters.push({ customerId });
    }
    if (status) filters.push({ status });
    return page(em, Invoice, filters, { first, after }, toInvoiceType);
  }

  @Query(() => InvoiceType, { description: 'One invoice by id; NOT_FOUND if there is none (or it was deleted).' })
  async invoice(
    @Ctx() { em }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('includeDeleted', () => Boolean, { defaultValue: false }) includeDeleted = false,
  ): Promise<InvoiceType> {
    return toInvoiceType((await records.get(em, def, id, { includeDeleted })) as unknown as Invoice);
  }

  @Mutation(() => InvoiceType, {
    description: 'Creates a draft invoice; it is synced to every enabled provider once its customer is there.',
  })
  async createInvoice(
    @Ctx() { em, services }: GraphQLContext,
    @Arg('input', () => CreateInvoiceInput) input: CreateInvoiceInput,
  ): Promise<InvoiceType> {
    checkDueDateAhead(input.dueDate);
    const row = await services.changes.create(em, def, {
      customerId: input.customerId,
      amountCents: input.amountCents,
      currency: input.currency,
      description: input.description ?? null,
      dueDate: input.dueDate ?? null,
    });
    services.afterCommit();
    return toInvoiceType(row as unknown as Invoice);
  }

  @Mutation(() => InvoiceType, { description: 'Changes a draft (or the description of any invoice).' })
  updateInvoice(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateInvoiceInput) input: UpdateInvoiceInput,
  ): Promise<InvoiceType> {
    const { expectedVersion, ...fields } = input;
    checkDueDateAhead(fields.dueDate);
    return change(ctx, id, fields, expectedVersion);
  }

  @Mutation(() => InvoiceType, { description: 'Deletes a draft invoice here and, through sync, in every provider.' })
  async deleteInvoice(@Ctx() { em, services }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<InvoiceType> {
    const row = await services.changes.delete(em, def, id);
    services.afterCommit();
    return toInvoiceType(row as unknown as Invoice);
  }

  @Mutation(() => InvoiceType, { description: 'draft -> open: money fields are final; Stripe assigns its number.' })
  finalizeInvoice(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) v?: number,
  ): Promise<InvoiceType> {
    return change(ctx, id, { status: InvoiceStatus.OPEN }, v);
  }

  @Mutation(() => InvoiceType, { description: 'open | uncollectible -> paid (paid outside Stripe, e.g. by bank).' })
  markInvoicePaid(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) v?: number,
  ): Promise<InvoiceType> {
    return change(ctx, id, { status: InvoiceStatus.PAID }, v);
  }

  @Mutation(() => InvoiceType, { description: 'open | uncollectible -> void.' })
  voidInvoice(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) v?: number,
  ): Promise<InvoiceType> {
    return change(ctx, id, { status: InvoiceStatus.VOID }, v);
  }

  @Mutation(() => InvoiceType, { description: 'open -> uncollectible.' })
  markInvoiceUncollectible(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int, { nullable: true }) v?: number,
  ): Promise<InvoiceType> {
    return change(ctx, id, { status: InvoiceStatus.UNCOLLECTIBLE }, v);
  }

  @FieldResolver(() => CustomerType, { description: 'Its customer (also when that customer has been deleted).' })
  async customer(@Root() invoice: InvoiceType, @Ctx() { em }: GraphQLContext): Promise<CustomerType> {
    const c = await records.get(em, customerCatalog, invoice.customerId, { includeDeleted: true });
    return toCustomerType(c as Customer);
  }

  @FieldResolver(() => [ExternalMappingType])
  externalMappings(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): Promise<ExternalMappingType[]> {
    return externalMappingsOf(ctx, def.entityType, invoice.id);
  }

  @FieldResolver(() => [SyncStatus], { description: 'One entry per enabled provider.' })
  syncStatus(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): Promise<SyncStatus[]> {
    return syncStatusOf(ctx, def.entityType, invoice.id);
  }
}

/** `Customer.invoices`: a field the invoice catalog adds to the customer's type (the customer folder names none). */
@Resolver(() => CustomerType)
export class CustomerInvoicesResolver {
  @FieldResolver(() => [InvoiceType], { description: 'Its invoices (not deleted ones), oldest first.' })
  async invoices(@Root() customer: CustomerType, @Ctx() { em }: GraphQLContext): Promise<InvoiceType[]> {
    const rows = await em.find(
      Invoice,
      { customerId: customer.id, deletedAt: null },
      { orderBy: { createdAt: 'asc' } },
    );
    return rows.map(toInvoiceType);
  }
}

/** Every invoice change goes through the engine: lifecycle and frozen fields are checked there (CONFLICT). */
async function change(
  { em, services }: GraphQLContext,
  id: string,
  fields: Partial<Record<keyof InvoiceFields, unknown>>,
  expectedVersion: number | null | undefined,
): Promise<InvoiceType> {
  const input = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
  const row = await services.changes.update(em, def, id, input, expected(expectedVersion));
  services.afterCommit();
  return toInvoiceType(row as unknown as Invoice);
}
