import type { CatalogDefinition, FieldValues } from './catalog.js';
import { ConflictError } from './errors.js';

/**
 * A catalog's lifecycle rules (e.g. invoice draft -> open -> paid): moves its state machine does not allow, and
 * edits of fields frozen in the current state. Pure: the engine calls these under the row lock before writing
 * anything.
 */

/**
 * How a change may move the state: one allowed transition (a person's mutation), or any number of them (a
 * provider's record read after it moved on more than once: Stripe finalized and paid an invoice between two of
 * our reads, so we see draft -> paid, which went through open).
 */
export type Moves = 'step' | 'path';

/** Whether `to` is reachable from `from` in one allowed transition, or in several. */
export function canMove(transitions: Record<string, readonly string[]>, from: string, to: string, moves: Moves) {
  if (moves === 'step') return (transitions[from] ?? []).includes(to);
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const next of transitions[todo.pop()!] ?? []) {
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(next);
    }
  }
  return false;
}

/** Why each refused field of a change is refused (empty: the change is allowed). */
export function lifecycleRefusals<F extends FieldValues>(
  def: CatalogDefinition<F>,
  row: { id: string } & Partial<F>,
  next: Partial<F>,
  changes: readonly (keyof F & string)[],
  moves: Moves = 'step',
): Array<{ field: keyof F & string; message: string; details: Record<string, unknown> }> {
  const lifecycle = def.lifecycle;
  if (!lifecycle) return [];
  const out: Array<{ field: keyof F & string; message: string; details: Record<string, unknown> }> = [];
  const from = String(row[lifecycle.field]);
  if (changes.includes(lifecycle.field)) {
    const to = String(next[lifecycle.field]);
    if (!canMove(lifecycle.transitions, from, to, moves))
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
  moves: Moves = 'step',
): void {
  const refused = lifecycleRefusals(def, row, next, changes, moves)[0];
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
