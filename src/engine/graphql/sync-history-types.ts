import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from './connection.js';
import { EntityType, Provider } from './enums.js';

/** The values are what the engine stores ('outbound', 'inbound'); GraphQL shows the names. */
export enum SyncDirection {
  OUTBOUND = 'outbound',
  INBOUND = 'inbound',
}
registerEnumType(SyncDirection, {
  name: 'SyncDirection',
  description: 'OUTBOUND: a local change written to the provider. INBOUND: a provider change applied here.',
});

@ObjectType({ description: 'One sync event a worker handled for one provider: an attempt and how it ended.' })
export class SyncEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => Date, { description: 'When the worker finished with it.' })
  at!: Date;

  @Field(() => EntityType)
  entityType!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The local record; null for an inbound change that touched none (a duplicate, an echo, a skip).',
  })
  entityId!: string | null;

  @Field(() => Provider)
  provider!: string;

  @Field(() => SyncDirection)
  direction!: SyncDirection;

  @Field(() => String, {
    description:
      'outbound: synced, already_synced, superseded, waiting, retrying, failed (refused), dead_lettered (out of ' +
      'attempts); inbound: created, updated, deleted, linked, unchanged, skipped, duplicate, echo, retrying, ' +
      'dead_lettered.',
  })
  outcome!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int, { nullable: true, description: 'Which attempt of this change it was (outbound).' })
  attempt!: number | null;

  @Field(() => String, {
    description: "Our outbox event id (outbound) or the provider's event id (inbound): the logs' correlation id.",
  })
  eventId!: string;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The provider's id of the request that decided it (Stripe's Request-Id); null when it gives none.",
  })
  providerRequestId!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ description: 'A sync event the workers gave up on; replayDeadLetter sends it again.' })
export class DeadLetterType {
  @Field(() => ID)
  id!: string;

  @Field(() => Provider)
  provider!: string;

  @Field(() => SyncDirection)
  direction!: SyncDirection;

  @Field(() => EntityType)
  entityType!: string;

  @Field(() => ID, { nullable: true, description: 'The local record (outbound); null for an inbound change.' })
  entityId!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => String, { description: 'Why it was given up on.' })
  error!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'Set once replayed (or once retrySync sent the record again); null while it waits.',
  })
  replayedAt!: Date | null;
}

const events = connectionTypes('SyncEvent', SyncEventType, { totalCount: false });
export const SyncEventConnection = events.Connection;
const deadLetters = connectionTypes('DeadLetter', DeadLetterType);
export const DeadLetterConnection = deadLetters.Connection;
