import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/** Where a provider poll left off (e.g. Salesforce getUpdated latestDateCovered), so restarts miss nothing. */
const PollCursorSchema = defineEntity({
  name: 'PollCursor',
  tableName: 'poll_cursor',
  uniques: [{ properties: ['provider', 'name'] }],
  properties: {
    id: p.uuid().primary(),
    provider: p.string().length(64),
    name: p.string().length(100),
    value: p.string().length(100),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class PollCursor extends PollCursorSchema.class {}
PollCursorSchema.setClass(PollCursor);
export { PollCursorSchema };
