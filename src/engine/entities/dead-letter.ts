import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/**
 * A sync event the workers gave up on (a write the provider refused or that ran out of attempts; an inbound change
 * that cannot apply), kept so people can list it and replay it (`Query.deadLetters`, `replayDeadLetter`). The
 * same event also goes to the provider's dead-letter topic for tools that read Kafka.
 */
const DeadLetterSchema = defineEntity({
  name: 'DeadLetter',
  tableName: 'dead_letter',
  indexes: [{ properties: ['replayedAt', 'createdAt'] }, { properties: ['entityType', 'entityId', 'provider'] }],
  properties: {
    id: p.uuid().primary(),
    provider: p.string().length(64),
    direction: p.string().length(16),
    entityType: p.string().length(64),
    entityId: p.uuid().nullable(),
    externalId: p.string().length(255).nullable(),
    error: p.text(),
    attempts: p.integer(),
    // Inbound: the message as it came off the inbound topic, so a replay sends exactly it again.
    message: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    replayedAt: p.datetime().nullable(),
  },
});

export class DeadLetter extends DeadLetterSchema.class {}
DeadLetterSchema.setClass(DeadLetter);
export { DeadLetterSchema };
