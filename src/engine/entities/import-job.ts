import { defineEntity } from '@mikro-orm/core';

const p = defineEntity.properties;

export enum ImportJobStatus {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/** A backfill from a provider (importFromProvider): its progress, counted by outcome. */
const ImportJobSchema = defineEntity({
  name: 'ImportJob',
  tableName: 'import_job',
  properties: {
    id: p.uuid().primary(),
    provider: p.string().length(64),
    entityType: p.string().length(64),
    status: p.enum(() => ImportJobStatus),
    processed: p.integer().default(0),
    created: p.integer().default(0),
    linked: p.integer().default(0),
    updated: p.integer().default(0),
    unchanged: p.integer().default(0),
    skipped: p.integer().default(0),
    error: p.text().nullable(),
    startedAt: p.datetime().onCreate(() => new Date()),
    // Bumped with every progress save: a RUNNING job that stops moving was abandoned (its process died).
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});

export class ImportJob extends ImportJobSchema.class {}
ImportJobSchema.setClass(ImportJob);
export { ImportJobSchema };
