import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/** Provider event ids already handled: providers deliver at least once, so the inbound path dedupes here. */
const InboxEventSchema = defineEntity({
  name: 'InboxEvent',
  tableName: 'inbox_event',
  uniques: [{ properties: ['provider', 'eventId'] }],
  properties: {
    id: p.uuid().primary(),
    provider: p.string().length(64),
    eventId: p.string().length(200),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});

export class InboxEvent extends InboxEventSchema.class {}
InboxEventSchema.setClass(InboxEvent);
export { InboxEventSchema };
