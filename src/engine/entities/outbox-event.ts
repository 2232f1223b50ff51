import { defineEntity } from '@mikro-orm/core';
import { OUTBOX_CHANNEL } from '../../platform/outbox-relay.js';

const p = defineEntity.properties;

/**
 * Transactional outbox: written in the same transaction as the change it announces, published to Kafka by the
 * relay. `seq` gives the publish order (per-key order on the topic follows from it).
 */
const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  indexes: [{ properties: ['publishedAt', 'seq'] }],
  // Every statement that adds rows sends one NOTIFY, delivered at commit: a relay in another process starts
  // publishing at once instead of at its next poll. Per statement, not per row; Postgres also folds equal
  // notifications of one transaction into one (https://www.postgresql.org/docs/current/sql-notify.html).
  triggers: [
    {
      name: 'outbox_event_notify',
      timing: 'after',
      events: ['insert'],
      forEach: 'statement',
      body: `perform pg_notify('${OUTBOX_CHANNEL}', ''); return null;`,
    },
  ],
  properties: {
    seq: p.bigint('number').primary().autoincrement(),
    id: p.uuid().unique(),
    topic: p.string().length(200),
    key: p.string().length(200),
    type: p.string().length(100),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    publishedAt: p.datetime().nullable(),
  },
});

export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
export { OutboxEventSchema };
