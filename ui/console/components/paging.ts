import { useCallback, useState } from 'react';

interface Trail {
  key: string;
  /** The cursor of the page shown (null: the first page). */
  after: string | null;
  /** The `after` of each page before this one, oldest first. */
  trail: (string | null)[];
}

function load(key: string, persist: boolean): Trail {
  if (!persist) return { key, after: null, trail: [] };
  try {
    const saved = JSON.parse(sessionStorage.getItem(`catalog-sync.paging.${key}`) ?? 'null') as Trail | null;
    if (saved && saved.key === key) return saved;
  } catch {
    // nothing saved, or storage disabled
  }
  return { key, after: null, trail: [] };
}

function save(t: Trail): void {
  try {
    sessionStorage.setItem(`catalog-sync.paging.${t.key}`, JSON.stringify(t));
  } catch {
    // storage disabled: paging still works, it is just not kept across pages
  }
}

export type CursorTrail = ReturnType<typeof useCursorTrail>;

/**
 * Cursor paging state for one list and filter (`key`): the page's `after` and the way back. Kept in
 * sessionStorage (unless `persist` is false), so opening a record and coming back returns to the same page; a new
 * filter starts at page one.
 */
export function useCursorTrail(key: string, { persist = true } = {}) {
  const [state, setState] = useState<Trail>(() => load(key, persist));
  let current = state;
  if (state.key !== key) {
    current = load(key, persist);
    setState(current);
  }
  const go = useCallback(
    (t: Trail) => {
      if (persist) save(t);
      setState(t);
    },
    [persist],
  );
  return {
    after: current.after,
    trail: current.trail,
    next: (cursor: string) => go({ key, after: cursor, trail: [...current.trail, current.after] }),
    previous: () =>
      go({ key, after: current.trail[current.trail.length - 1] ?? null, trail: current.trail.slice(0, -1) }),
    first: () => go({ key, after: null, trail: [] }),
  };
}
