import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { CatalogDefinition, CatalogRow, FieldValues, RawValues } from '../core/catalog.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { RemoteRecord } from '../core/provider.js';
import { checkDeletable, checkLifecycle, type Moves } from '../core/lifecycle.js';
import { UUID } from '../core/text.js';

/** The rows each open transaction has locked (keyed by its transaction context, which lives as long as it does). */
const lockedRows = new WeakMap<object, Set<string>>();

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** The id of ours a provider record carries (Stripe metadata, a Salesforce external id field), if it is one. */
export function ourIdOn(record: RemoteRecord | undefined): string | null {
  const id = record?.internalId;
  return id && isUuid(id) ? id : null;
}

export function assertUuid(id: string, field = 'id'): void {
  if (!isUuid(id)) throw new ValidationError([{ field, message: 'must be a UUID' }]);
}

/**
 * Catalog rows for any catalog: validate through the catalog's definition, enforce its lifecycle, write the row.
 * Knows nothing about sync: what a change means for providers is the change log's business (`changes.ts`).
 * Every method runs inside the caller's transaction.
 */
export const records = {
  async get<F extends FieldValues>(
    em: EntityManager,
    def: CatalogDefinition<F>,
    id: string,
    { includeDeleted = false } = {},
  ): Promise<CatalogRow<F>> {
    assertUuid(id);
    const row = await em.findOne(def.entity, { id } as never);
    if (!row || (!includeDeleted && row.deletedAt)) throw new NotFoundError(def.label, id);
    return row;
  },

  /** Row lock: concurrent changes to one record serialize, so versions and events stay in commit order. */
  async lockLive<F extends FieldValues>(tx: EntityManager, def: CatalogDefinition<F>, id: string) {
    assertUuid(id);
    const row = await records.lock(tx, def, id);
    if (!row || row.deletedAt) throw new NotFoundError(def.label, id);
    return row;
  },

  /**
   * The row, locked FOR UPDATE (deleted ones too), or null. Locked once per transaction: taken again (an inbound
   * change locks the row, then updates it), the row this transaction holds is returned without a statement; no
   * one else can have changed it since.
   */
  async lock<F extends FieldValues>(tx: EntityManager, def: CatalogDefinition<F>, id: string) {
    const trx = tx.getTransactionContext<object>();
    const key = `${def.entityType}:${id}`;
    if (trx && lockedRows.get(trx)?.has(key)) {
      const held = await tx.findOne(def.entity, { id } as never); // from the identity map
      if (held) return held;
    }
    const row = await tx.findOne(def.entity, { id } as never, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (row && trx) lockedRows.set(trx, (lockedRows.get(trx) ?? new Set()).add(key));
    return row;
  },

  /** `lock` for many rows at once: one statement, locking in id order (two such never wait on each other in a cycle). */
  async lockMany<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    ids: readonly string[],
  ): Promise<CatalogRow<F>[]> {
    if (ids.length === 0) return [];
    const rows = await tx.find(def.entity, { id: { $in: [...new Set(ids)] } } as never, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
      orderBy: { id: 'asc' } as never,
    });
    const trx = tx.getTransactionContext<object>();
    if (trx) {
      const held = lockedRows.get(trx) ?? new Set<string>();
      for (const row of rows) held.add(`${def.entityType}:${row.id}`);
      lockedRows.set(trx, held);
    }
    return rows;
  },

  /** A new row, checked and added to the unit of work; written by the caller's next flush (many at once). */
  build<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    input: RawValues<F>,
    id: string = randomUUID(),
  ): CatalogRow<F> {
    // Every synced field is checked on create: a missing one is judged as empty, or starts in the lifecycle's
    // initial state.
    const initial = def.lifecycle;
    const complete = Object.fromEntries(
      def.fields.map((f) => [f, input[f] ?? (f === initial?.field ? initial.initial : null)]),
    ) as RawValues<F>;
    const fields = def.normalize(complete);
    return tx.create(def.entity, { ...fields, id, version: 1 } as never);
  },

  /**
   * Applies the given fields under the row lock; returns whether anything changed (a call that changes nothing
   * writes nothing: no version bump, no event).
   */
  async update<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    id: string,
    input: RawValues<F>,
    expectedVersion?: number,
    moves: Moves = 'step',
  ): Promise<{ row: CatalogRow<F>; changed: boolean }> {
    const fields = def.normalize(input);
    const row = await records.lockLive(tx, def, id);
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw new ConflictError(`${def.label} ${id} is at version ${row.version}, not ${expectedVersion}`, {
        currentVersion: row.version,
      });
    }
    const changed = records.assign(def, row, fields, moves);
    if (changed) await tx.flush();
    return { row, changed };
  },

  /**
   * Sets the given fields (normalized: `def.normalize`) on a row the transaction holds locked, checked against the
   * catalog's lifecycle; whether anything changed. Written (and the version bumped) by the caller's next flush,
   * which may write many rows.
   */
  assign<F extends FieldValues>(
    def: CatalogDefinition<F>,
    row: CatalogRow<F>,
    fields: Partial<F>,
    moves: Moves,
  ): boolean {
    const changes = def.fields.filter((f) => fields[f] !== undefined && fields[f] !== row[f]);
    if (changes.length === 0) return false;
    checkLifecycle(def, row as { id: string } & Partial<F>, fields, changes, moves);
    for (const f of changes) (row as FieldValues)[f] = fields[f]!;
    return true;
  },

  async delete<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    id: string,
  ): Promise<CatalogRow<F>> {
    const row = await records.lockLive(tx, def, id);
    checkDeletable(def, row as { id: string } & Partial<F>);
    row.deletedAt = new Date();
    await tx.flush();
    return row;
  },
};
