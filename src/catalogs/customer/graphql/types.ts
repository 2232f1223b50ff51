import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../../../engine/graphql/connection.js';

@ObjectType('Customer', { description: 'A customer in the local catalog.' })
export class CustomerType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Int, { description: 'Increments on every change; pass it as expectedVersion to update safely.' })
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set once the customer is deleted.' })
  deletedAt!: Date | null;
}

@InputType({ description: 'A new customer.' })
export class CreateCustomerInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;
}

@InputType({ description: 'Fields to change; omitted fields stay as they are.' })
export class UpdateCustomerInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => Int, { nullable: true, description: 'Fail with CONFLICT unless the customer is at this version.' })
  expectedVersion?: number;
}

/** `CustomerConnection` and `CustomerEdge`. */
export const { Connection: CustomerConnection } = connectionTypes('Customer', CustomerType);
