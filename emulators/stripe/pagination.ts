import { invalidRequest, resourceMissing } from './errors.js';
import type { FormObject } from './form.js';
import { readInteger } from './params.js';
import type { StripeList } from './types.js';

// Stripe lists are newest first with cursor pagination: `starting_after=<id>` gives the objects after (older than)
// that id, `ending_before=<id>` the ones before (newer than) it, `has_more` says whether that direction continues.
// stripe-node's auto-pagination relies on exactly this: it passes the last id of a page as `starting_after` (or the
// first id as `ending_before` when iterating backwards) until `has_more` is false.

export interface ListOptions {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

/** An item plus its position in creation order; `seq` breaks ties between objects created in the same second. */
export interface Sequenced<T> {
  seq: number;
  value: T;
}

export function readListOptions(params: FormObject): ListOptions {
  const { starting_after: startingAfter, ending_before: endingBefore } = params;
  const limit = readInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest(
      `This value must be between 1 and 100 (it currently is ${limit}).`,
      'limit',
      'parameter_invalid_integer',
    );
  }
  for (const [name, value] of [
    ['starting_after', startingAfter],
    ['ending_before', endingBefore],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw invalidRequest(`Invalid ${name}: must be an object id`, name);
    }
  }
  if (startingAfter !== undefined && endingBefore !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'ending_before',
    );
  }
  return {
    limit,
    ...(typeof startingAfter === 'string' && { startingAfter }),
    ...(typeof endingBefore === 'string' && { endingBefore }),
  };
}

/**
 * @param items every listable item matching the filters, any order
 * @param cursorSeq position of a cursor id; cursors may name objects that no longer appear in the list
 *                  (e.g. deleted customers), so that deleting while paging does not break iteration
 */
export function paginate<T>(
  items: Sequenced<T>[],
  options: ListOptions,
  cursorSeq: (id: string) => number | undefined,
  resource: { kind: string; url: string },
): StripeList<T> {
  const newestFirst = [...items].sort((a, b) => b.seq - a.seq);
  let page: Sequenced<T>[];
  let hasMore: boolean;
  if (options.startingAfter !== undefined) {
    const seq = lookupCursor(options.startingAfter, 'starting_after');
    const older = newestFirst.filter((item) => item.seq < seq);
    page = older.slice(0, options.limit);
    hasMore = older.length > options.limit;
  } else if (options.endingBefore !== undefined) {
    const seq = lookupCursor(options.endingBefore, 'ending_before');
    const newer = newestFirst.filter((item) => item.seq > seq);
    // The page is the `limit` objects closest to the cursor, still listed newest first.
    page = newer.slice(Math.max(0, newer.length - options.limit));
    hasMore = newer.length > options.limit;
  } else {
    page = newestFirst.slice(0, options.limit);
    hasMore = newestFirst.length > options.limit;
  }
  return { object: 'list', data: page.map((item) => item.value), has_more: hasMore, url: resource.url };

  function lookupCursor(id: string, param: string): number {
    const seq = cursorSeq(id);
    if (seq === undefined) throw resourceMissing(resource.kind, id, param);
    return seq;
  }
}
