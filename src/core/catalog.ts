import type { EntityClass } from '@mikro-orm/core';
import type { EntityType } from './enums.js';

/** A value a catalog syncs: text, integer (money in minor units), or nothing. */
export type FieldValue = string | number | null;
export type FieldValues = Record<string, FieldValue>;

/** Values as they arrive from outside (GraphQL input, a provider): not yet checked. */
export type RawValues<F extends FieldValues> = { [K in keyof F]?: unknown };

/** The columns the engine relies on in every catalog table, besides the catalog's own fields. */
export interface CatalogRowBase {
  id: string;
  /** Bumped by every committed change: the number sync states and mappings compare against. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Soft delete: the row stays so the delete can reach the providers and late provider events find it. */
  deletedAt?: Date | null;
}

export type CatalogRow<F extends FieldValues> = CatalogRowBase & F;

/** A record as it travels on `catalog.<type>`: a full snapshot, so consumers never read our database. */
export type RecordSnapshot<F extends FieldValues = FieldValues> = F & { id: string; version: number; deleted: boolean };

/** A state machine over one field, e.g. invoice status draft -> open -> paid. */
export interface Lifecycle<F extends FieldValues> {
  field: keyof F & string;
  /** The value new records start in. */
  initial: string;
  /** Allowed moves: from -> [to, ...]. Anything else is refused with CONFLICT. */
  transitions: Record<string, readonly string[]>;
  /** Fields that may no longer change once the record has left these states (e.g. amounts after finalizing). */
  frozenUnless?: Partial<Record<keyof F & string, readonly string[]>>;
  /** States a record may be deleted in (e.g. only drafts); without it, any. */
  deletableIn?: readonly string[];
}

/**
 * Everything the engine needs to know about one catalog. A catalog is this definition plus its entity and its
 * GraphQL (`src/catalogs/<name>/`); storage, outbox, sync states, mappings, locks, apply-remote, backfill,
 * requeue and the workers are the engine's, shared by every catalog.
 */
export interface CatalogDefinition<F extends FieldValues = FieldValues> {
  entityType: EntityType;
  /** For messages: "Customer 123 not found". */
  label: string;
  entity: EntityClass<CatalogRow<F>>;
  /** The fields that are synced with providers, in a fixed order (the content hash depends on it). */
  fields: readonly (keyof F & string)[];
  /**
   * Canonical form without judging (trim, collapse whitespace, lower-case emails): used on everything before it
   * is compared or hashed, so a provider's copy of what we wrote compares equal to it.
   */
  canonical(values: RawValues<F>): Partial<F>;
  /** Canonical form, then checked; throws ValidationError naming every bad field. Only present fields are checked. */
  normalize(values: RawValues<F>): Partial<F>;
  /** What the catalog makes of a provider's values (defaults filled in), or why it cannot hold them. */
  fromRemote(values: RawValues<F>): { fields: F } | { skip: string };
  /** A field that identifies a record across systems (customer: email): unlinked provider records link by it. */
  naturalKey?: keyof F & string;
  lifecycle?: Lifecycle<F>;
  /**
   * Fields holding the id of a record of another catalog (an invoice's customer). The engine checks the parent is
   * live when a record is written, refuses to delete a parent that still has live children, writes a record to a
   * provider only once its parents have twins there (README, "Parents first"), and translates provider ids in
   * these fields to ours on the way in (bringing an unknown parent in first).
   */
  parents?: readonly ParentField[];
}

export interface ParentField {
  /** One of the catalog's `fields`. */
  field: string;
  /** The parent catalog (a function: catalogs may refer to each other). */
  catalog: () => AnyCatalog;
}

export type AnyCatalog = CatalogDefinition<FieldValues>;

/** Event types on a catalog topic: `customer.created`, `customer.updated`, `customer.deleted`. */
export function eventType(entityType: EntityType, change: 'created' | 'updated' | 'deleted'): string {
  return `${entityType.toLowerCase()}.${change}`;
}

export function snapshotOf<F extends FieldValues>(def: CatalogDefinition<F>, row: CatalogRow<F>): RecordSnapshot<F> {
  const fields = Object.fromEntries(def.fields.map((f) => [f, row[f] ?? null])) as F;
  return { ...fields, id: row.id, version: row.version, deleted: row.deletedAt != null };
}

/** The synced fields of a snapshot or row, nothing else. */
export function fieldsOf<F extends FieldValues>(def: CatalogDefinition<F>, values: Partial<F>): Partial<F> {
  const out: Partial<F> = {};
  for (const f of def.fields) if (values[f] !== undefined) out[f] = values[f];
  return out;
}
