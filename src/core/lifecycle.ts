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
  return (pathBetween(transitions, from, to)?.length ?? 0) > 0;
}

/**
 * The states a record passes through from `from` to `to` (`to` last; empty when they are the same), by the fewest
 * transitions; undefined when `to` cannot be reached. Breadth-first over the transition table.
 */
export function pathBetween<S extends string>(
  transitions: Readonly<Record<string, readonly S[]>>,
  from: string,
  to: string,
): S[] | undefined {
  const paths: Array<{ at: string; path: S[] }> = [{ at: from, path: [] }];
  const seen = new Set([from]);
  for (let i = 0; i < paths.length; i++) {
    const { at, path } = paths[i]!;
    if (at === to) return path;
    for (const next of transitions[at] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      paths.push({ at: next, path: [...path, next] });
    }
  }
  return undefined;
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
