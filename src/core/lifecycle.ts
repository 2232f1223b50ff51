import type { CatalogDefinition, FieldValues } from './catalog.js';
import { ConflictError } from './errors.js';

/**
 * A catalog's lifecycle rules (e.g. invoice draft -> open -> paid): moves its state machine does not allow, and
 * edits of fields frozen in the current state. Pure: the engine calls these under the row lock before writing
 * anything.
 */

/** Why each refused field of a change is refused (empty: the change is allowed). */
export function lifecycleRefusals<F extends FieldValues>(
  def: CatalogDefinition<F>,
  row: { id: string } & Partial<F>,
  next: Partial<F>,
  changes: readonly (keyof F & string)[],
): Array<{ field: keyof F & string; message: string; details: Record<string, unknown> }> {
  const lifecycle = def.lifecycle;
  if (!lifecycle) return [];
  const out: Array<{ field: keyof F & string; message: string; details: Record<string, unknown> }> = [];
  const from = String(row[lifecycle.field]);
  if (changes.includes(lifecycle.field)) {
    const to = String(next[lifecycle.field]);
    if (!(lifecycle.transitions[from] ?? []).includes(to))
      out.push({
        field: lifecycle.field,
        message: `${def.label} ${row.id} cannot go from ${from} to ${to}`,
        details: { from, to },
      });
  }
  for (const f of changes) {
    const allowedIn = lifecycle.frozenUnless?.[f];
    if (allowedIn && !allowedIn.includes(from))
      out.push({
        field: f,
        message: `${def.label} ${row.id}: ${f} cannot change once it is ${from}`,
        details: { field: f, state: from },
      });
  }
  return out;
}

/** Refuses a change its lifecycle does not allow, with CONFLICT and the reason. */
export function checkLifecycle<F extends FieldValues>(
  def: CatalogDefinition<F>,
  row: { id: string } & Partial<F>,
  next: Partial<F>,
  changes: readonly (keyof F & string)[],
): void {
  const refused = lifecycleRefusals(def, row, next, changes)[0];
  if (refused) throw new ConflictError(refused.message, refused.details);
}

/** Refuses deleting a record in a state its lifecycle does not allow deletes in (an invoice once finalized). */
export function checkDeletable<F extends FieldValues>(def: CatalogDefinition<F>, row: { id: string } & Partial<F>) {
  const lifecycle = def.lifecycle;
  if (!lifecycle?.deletableIn) return;
  const state = String(row[lifecycle.field]);
  if (!lifecycle.deletableIn.includes(state))
    throw new ConflictError(
      `${def.label} ${row.id} cannot be deleted once it is ${state} (only when ${lifecycle.deletableIn.join(' or ')})`,
      { state },
    );
}
