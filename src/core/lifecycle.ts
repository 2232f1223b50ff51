import type { CatalogDefinition, FieldValues } from './catalog.js';
import { ConflictError } from './errors.js';

/**
 * A catalog's lifecycle rules (e.g. invoice draft -> open -> paid): refuses moves its state machine does not
 * allow, and edits of fields frozen in the current state, with CONFLICT and the reason. Pure: the engine calls it
 * under the row lock before writing anything.
 */
export function checkLifecycle<F extends FieldValues>(
  def: CatalogDefinition<F>,
  row: { id: string } & Partial<F>,
  next: Partial<F>,
  changes: readonly (keyof F & string)[],
): void {
  const lifecycle = def.lifecycle;
  if (!lifecycle) return;
  const from = String(row[lifecycle.field]);
  if (changes.includes(lifecycle.field)) {
    const to = String(next[lifecycle.field]);
    if (!(lifecycle.transitions[from] ?? []).includes(to)) {
      throw new ConflictError(`${def.label} ${row.id} cannot go from ${from} to ${to}`, { from, to });
    }
  }
  for (const f of changes) {
    const allowedIn = lifecycle.frozenUnless?.[f];
    if (allowedIn && !allowedIn.includes(from)) {
      throw new ConflictError(`${def.label} ${row.id}: ${f} cannot change once it is ${from}`, {
        field: f,
        state: from,
      });
    }
  }
}
