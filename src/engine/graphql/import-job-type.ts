import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ImportJobStatus } from '../entities/index.js';
import { EntityType, Provider } from './enums.js';

registerEnumType(ImportJobStatus, { name: 'ImportJobStatus' });

@ObjectType('ImportJob', { description: 'A backfill from a provider; counts grow while it runs.' })
export class ImportJobType {
  @Field(() => ID)
  id!: string;

  @Field(() => Provider)
  provider!: string;

  @Field(() => EntityType)
  entityType!: string;

  @Field(() => ImportJobStatus)
  status!: ImportJobStatus;

  @Field(() => Int, { description: 'Provider records looked at so far.' })
  processed!: number;

  @Field(() => Int, { description: 'New local records created.' })
  created!: number;

  @Field(() => Int, { description: 'Existing local records linked (by our id on the record, or by natural key).' })
  linked!: number;

  @Field(() => Int, { description: 'Linked records whose fields differed and were updated (or deleted).' })
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, {
    description: 'Records the catalog cannot hold (e.g. a required field missing); see the server log.',
  })
  skipped!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
