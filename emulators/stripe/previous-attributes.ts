// `data.previous_attributes` of an `*.updated` event: the previous values of what changed
// (https://docs.stripe.com/api/events/object#event_object-data-previous_attributes). Like Stripe, nested objects
// (metadata, status_transitions) list only their changed keys, with null for keys that did not exist before;
// arrays and scalars are listed whole.

type Tree = Record<string, unknown>;

/** Empty when nothing changed, which is how callers know not to emit an event. */
export function previousAttributes(before: object, after: object): Tree {
  return changedKeys(before as Tree, after as Tree);
}

function changedKeys(before: Tree, after: Tree): Tree {
  // Keys can be metadata keys chosen by clients: a prototype-less object keeps `__proto__` ordinary data.
  const previous = Object.create(null) as Tree;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[key];
    const is = after[key];
    if (isPlainObject(was) && isPlainObject(is)) {
      const nested = changedKeys(was, is);
      if (Object.keys(nested).length > 0) previous[key] = nested;
    } else if (JSON.stringify(was) !== JSON.stringify(is)) {
      previous[key] = was ?? null;
    }
  }
  return previous;
}

function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
