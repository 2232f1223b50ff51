import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

/** Shared created/updated columns (composition, as defineEntity recommends, instead of a base class). */
export const timestamps = {
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
