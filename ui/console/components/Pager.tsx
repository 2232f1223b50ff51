import { useId } from 'react';
import type { PageInfo } from '../api/types';
import type { CursorTrail } from './paging';

export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** The page size a list's `size` query parameter asks for, if it is one of PAGE_SIZES; else 20. */
export function pageSizeOf(query: URLSearchParams): number {
  const n = Number(query.get('size'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : 20;
}

/**
 * Forward cursor paging (first/after) with a way back: the list keeps the cursors it came through (`paging`, from
 * useCursorTrail), so "Previous" returns to the page before and "First page" to the start.
 */
export function Pager({
  page,
  paging,
  label = 'Pages',
  pageSize,
  onPageSize,
}: {
  /** The page shown: its rows (counted), where the next one starts, and how many there are in all if the list says. */
  page: { pageInfo: PageInfo; edges: readonly unknown[]; totalCount?: number };
  paging: CursorTrail;
  label?: string;
  pageSize?: number;
  onPageSize?(size: number): void;
}) {
  const { pageInfo, totalCount } = page;
  const shown = page.edges.length;
  const { trail, next: onNext, previous: onPrevious, first: onFirst } = paging;
  const atStart = trail.length === 0;
  const sizeId = useId();
  return (
    <nav className="pager" aria-label={label}>
      <span className="pager__summary" data-testid="pager-summary">
        {totalCount !== undefined ? `${shown} shown of ${totalCount}` : `${shown} shown`}
      </span>
      {pageSize !== undefined && onPageSize && (
        <span className="pager__size">
          <label htmlFor={sizeId}>Rows per page</label>
          <select id={sizeId} value={pageSize} onChange={(e) => onPageSize(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </span>
      )}
      <button type="button" className="button button--quiet" onClick={onFirst} disabled={atStart}>
        First page
      </button>
      <button type="button" className="button button--quiet" onClick={onPrevious} disabled={atStart}>
        Previous
      </button>
      <button
        type="button"
        className="button button--quiet"
        onClick={() => pageInfo.endCursor && onNext(pageInfo.endCursor)}
        disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
      >
        Next
      </button>
    </nav>
  );
}
