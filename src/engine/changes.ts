import type { EntityManager } from '@mikro-orm/postgresql';
import {
  eventType,
  snapshotOf,
  type CatalogDefinition,
  type CatalogRow,
  type FieldValues,
  type RawValues,
} from '../core/catalog.js';
import type { Origin, ProviderId } from '../core/enums.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { catalogTopic } from '../core/topics.js';
import { inTransaction } from '../platform/db/orm.js';
import type { Catalogs } from './catalogs.js';
import { enqueue } from './outbox.js';
import { checkNoLiveChildren, checkParentsLive } from './parents.js';
import { records } from './records.js';
import { markChanged, markChangedMany, markNew } from './sync-states.js';

/**
 * Where a change comes from. `heldBy`: the provider it came from, when that provider already holds exactly the
 * resulting version (so it is SYNCED there and not written back).
 */
export interface ChangeSource {
  origin: Origin;
  heldBy?: ProviderId | undefined;
}

const LOCAL: ChangeSource = { origin: 'LOCAL' };

/**
 * The one path every change takes, for any catalog and whatever its origin (GraphQL mutation, provider webhook,
 * poll or import): write the row, its event on `catalog.<type>` (outbox) and its per-provider sync states in one
 * transaction.
 */
export class CatalogChanges {
  /** The enabled providers that sync records of one catalog. */
  readonly providersFor: (entityType: string) => readonly ProviderId[];

  /**
   * `providers`: the same list for every catalog, or one per catalog. `catalogs`: every catalog the app runs, for
   * the parent rules (a parent with live children cannot be deleted); without it, no catalog has children.
   */
  constructor(
    providers: readonly ProviderId[] | ((entityType: string) => readonly ProviderId[]),
    readonly catalogs?: Catalogs,
  ) {
    this.providersFor = typeof providers === 'function' ? providers : () => providers;
  }

  async create<F extends FieldValues>(
    em: EntityManager,
    def: CatalogDefinition<F>,
    input: RawValues<F>,
    source: ChangeSource = LOCAL,
  ): Promise<CatalogRow<F>> {
    return inTransaction(em, async (tx) => {
      // Before the row is written: a missing parent is the caller's mistake (BAD_USER_INPUT), not a foreign key error.
      await checkParentsLive(tx, def, def.normalize(input));
      const row = records.build(tx, def, input);
      await this.record(tx, def, row, 'created', source);
      return row;
    });
  }

  /**
   * New records from one source, written together (an import page): every row, event and sync state in one flush,
   * a few multi-row inserts. Each input is checked first (ValidationError names the first bad one). Parents are not
   * checked: callers pass records of catalogs without parents, or with none set.
   */
  async createMany<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    inputs: readonly RawValues<F>[],
    source: ChangeSource,
  ): Promise<CatalogRow<F>[]> {
    const rows = inputs.map((input) => records.build(tx, def, input));
    for (const row of rows) this.stage(tx, def, row, 'created', source);
    await tx.flush();
    return rows;
  }

  async update<F extends FieldValues>(
    em: EntityManager,
    def: CatalogDefinition<F>,
    id: string,
    input: RawValues<F>,
    { expectedVersion, source = LOCAL }: { expectedVersion?: number | undefined; source?: ChangeSource } = {},
  ): Promise<CatalogRow<F>> {
    return inTransaction(em, async (tx) => {
      await checkParentsLive(tx, def, def.normalize(input));
      // A provider's record may have moved on several times since we last read it (core/lifecycle.ts `Moves`).
      const moves = source.origin === LOCAL.origin ? 'step' : 'path';
      const { row, changed } = await records.update(tx, def, id, input, expectedVersion, moves);
      if (changed) await this.record(tx, def, row, 'updated', source);
      return row;
    });
  }

  /**
   * Changes of many records, written together (an inbound chunk): every row in one flush, then their events and
   * sync states in another. Each row must be locked by the caller in this transaction (`records.lockMany`). Per
   * item: whether it changed, or the ValidationError / ConflictError that refused it (nothing of it is written).
   * Parents are not checked: callers pass records of catalogs without parents.
   */
  async updateMany<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    items: readonly { row: CatalogRow<F>; input: RawValues<F>; source: ChangeSource }[],
  ): Promise<Array<boolean | ValidationError | ConflictError>> {
    if (def.parents?.length) throw new Error(`updateMany: ${def.label} has parents; use update`);
    const outcomes = items.map(({ row, input, source }) => {
      if (row.deletedAt) return new ConflictError(`${def.label} ${row.id} is deleted`);
      try {
        return records.assign(def, row, def.normalize(input), source.origin === LOCAL.origin ? 'step' : 'path');
      } catch (err) {
        if (err instanceof ValidationError || err instanceof ConflictError) return err;
        throw err;
      }
    });
    const changed = items.filter((_, i) => outcomes[i] === true);
    if (changed.length === 0) return outcomes;
    await tx.flush(); // the new versions, which the events carry
    for (const { row, source } of changed) this.stage(tx, def, row, 'updated', source);
    await markChangedMany(
      tx,
      def.entityType,
      changed.map(({ row, source }) => ({ entityId: row.id, version: row.version, heldBy: source.heldBy })),
      this.providersFor(def.entityType),
    );
    await tx.flush();
    return outcomes;
  }

  async delete<F extends FieldValues>(
    em: EntityManager,
    def: CatalogDefinition<F>,
    id: string,
    source: ChangeSource = LOCAL,
  ): Promise<CatalogRow<F>> {
    return inTransaction(em, async (tx) => {
      // Locked, then its children checked, then deleted: a refusal leaves nothing written.
      await records.lockLive(tx, def, id);
      await checkNoLiveChildren(tx, this.catalogs?.childrenOf(def) ?? [], def, id);
      const row = await records.delete(tx, def, id);
      await this.record(tx, def, row, 'deleted', source);
      return row;
    });
  }

  private async record<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    row: CatalogRow<F>,
    change: 'created' | 'updated' | 'deleted',
    source: ChangeSource,
  ): Promise<void> {
    this.stage(tx, def, row, change, source);
    if (change !== 'created')
      await markChanged(tx, def.entityType, row.id, row.version, this.providersFor(def.entityType), source.heldBy);
    await tx.flush();
  }

  /** The change's event and, for a new record, its sync states, added to the unit of work. */
  private stage<F extends FieldValues>(
    tx: EntityManager,
    def: CatalogDefinition<F>,
    row: CatalogRow<F>,
    change: 'created' | 'updated' | 'deleted',
    source: ChangeSource,
  ): void {
    enqueue(tx, catalogTopic(def.entityType), {
      type: eventType(def.entityType, change),
      entityType: def.entityType,
      entityId: row.id,
      origin: source.origin,
      ...(source.heldBy ? { heldBy: source.heldBy } : {}),
      payload: snapshotOf(def, row),
    });
    if (change === 'created') markNew(tx, def.entityType, row.id, this.providersFor(def.entityType), source.heldBy);
  }
}
