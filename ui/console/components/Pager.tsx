import { useId } from 'react';
import type { PageInfo } from '../api/types';

export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** The page size a list's `size` query parameter asks for, if it is one of PAGE_SIZES; else 20. */
export function pageSizeOf(query: URLSearchParams): number {
  const n = Number(query.get('size'));
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : 20;
}

/**
 * Forward cursor paging (first/after) with a way back: the list keeps the cursors it came through (`trail`), so
 * "Previous" returns to the page before and "First page" to the start.
 */
export function Pager({
  pageInfo,
  shown,
  totalCount,
  trail,
  onNext,
  onPrevious,
  onFirst,
  label = 'Pages',
  pageSize,
  onPageSize,
}: {
  pageInfo: PageInfo;
  shown: number;
  totalCount?: number;
  trail: readonly (string | null)[];
  onNext(cursor: string): void;
  onPrevious(): void;
  onFirst(): void;
  label?: string;
  pageSize?: number;
  onPageSize?(size: number): void;
}) {
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
