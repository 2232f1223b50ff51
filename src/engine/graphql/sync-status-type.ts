import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EntityType, Provider, SyncStateValue } from './enums.js';

@ObjectType({ description: 'A record of some catalog, by kind and id.' })
export class RecordRef {
  @Field(() => EntityType)
  entityType!: string;

  @Field(() => ID)
  entityId!: string;
}

@ObjectType({ description: 'The sync state of one record with one provider.' })
export class SyncStatus {
  @Field(() => EntityType)
  entityType!: string;

  @Field(() => ID)
  entityId!: string;

  @Field(() => Provider)
  provider!: string;

  @Field(() => SyncStateValue)
  state!: SyncStateValue;

  @Field(() => Int, { description: 'Attempts made for the current change.' })
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  lastSyncedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The record's id in the provider, once linked." })
  externalId!: string | null;

  @Field(() => Int, { description: 'The record version this provider must reach.' })
  targetVersion!: number;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => RecordRef, {
    nullable: true,
    description:
      'Set while the record waits for a parent record (e.g. an invoice for its customer) to exist at this provider; ' +
      'it is PENDING meanwhile, uses no attempt, and goes out as soon as the parent is linked there.',
  })
  waitingFor!: RecordRef | null;
}

@ObjectType('ExternalMapping', { description: "A link between a local record and the provider's record." })
export class ExternalMappingType {
  @Field(() => Provider)
  provider!: string;

  @Field(() => String)
  externalId!: string;

  @Field(() => Int, { nullable: true, description: 'The last local version written to or read from the provider.' })
  lastSyncedVersion!: number | null;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: "The record's page in the provider's web app (its dashboard), when there is one to link to.",
  })
  url!: string | null;
}
