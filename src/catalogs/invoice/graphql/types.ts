import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../../../engine/graphql/connection.js';
import { InvoiceStatus } from '../entity.js';

registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description: 'draft -> open -> paid | void | uncollectible; uncollectible -> paid | void.',
});

@ObjectType('Invoice', { description: 'An invoice in the local catalog: an amount one customer owes.' })
export class InvoiceType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The id of its customer (the `customer` field reads the customer itself).' })
  customerId!: string;

  @Field(() => String, { nullable: true, description: 'Assigned by Stripe when the invoice is finalized.' })
  number!: string | null;

  @Field(() => Int, { description: 'The amount in minor units: cents for USD, yen for JPY.' })
  amountCents!: number;

  @Field(() => String, { description: 'ISO 4217 code, upper case (USD).' })
  currency!: string;

  @Field(() => InvoiceStatus)
  status!: InvoiceStatus;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The day it is due, YYYY-MM-DD.' })
  dueDate!: string | null;

  @Field(() => Int, { description: 'Increments on every change; pass it as expectedVersion to update safely.' })
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set once the (draft) invoice is deleted.' })
  deletedAt!: Date | null;
}

@InputType({ description: 'A new invoice; it starts as a draft.' })
export class CreateInvoiceInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => Int, { description: 'Minor units (cents), 0 to 99999999.' })
  amountCents!: number;

  @Field(() => String, { description: 'ISO 4217 code Stripe supports (USD, EUR, JPY, ...).' })
  currency!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; without one Stripe makes it due in 30 days.' })
  dueDate?: string;
}

@InputType({
  description: 'Fields to change; omitted fields stay as they are. Customer, amount and currency only while draft.',
})
export class UpdateInvoiceInput {
  @Field(() => ID, { nullable: true })
  customerId?: string;

  @Field(() => Int, { nullable: true })
  amountCents?: number;

  @Field(() => String, { nullable: true })
  currency?: string;

  @Field(() => String, { nullable: true, description: 'An empty string clears it.' })
  description?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; an empty string clears it.' })
  dueDate?: string;

  @Field(() => Int, { nullable: true, description: 'Fail with CONFLICT unless the invoice is at this version.' })
  expectedVersion?: number;
}

/** `InvoiceConnection` and `InvoiceEdge`. */
export const { Connection: InvoiceConnection } = connectionTypes('Invoice', InvoiceType);
