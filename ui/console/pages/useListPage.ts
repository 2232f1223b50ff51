import { useQuery } from 'urql';
import { CUSTOMERS, INVOICES } from '../api/documents';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import type { Connection, CustomerRow, EntityType, InvoiceRow, SyncStatus } from '../api/types';
import { useCursorTrail } from '../components/paging';

interface Rows {
  CUSTOMER: CustomerRow;
  INVOICE: InvoiceRow;
}

const DOCUMENTS = {
  CUSTOMER: { read: CUSTOMERS, field: 'customers' },
  INVOICE: { read: INVOICES, field: 'invoices' },
} as const;

/**
 * What a list page keeps: one page of its records (oldest first) for a filter and page size, with cursor paging
 * remembered per list, filter and size; sync badges that follow syncStatusChanged live; and the page read again
 * when a row it shows is outdated or a new record may belong on it.
 */
export function useListPage<E extends EntityType>(entityType: E, filter: Record<string, string | null>, size: number) {
  const { read, field } = DOCUMENTS[entityType];
  // join() writes a null filter as an empty string.
  const paging = useCursorTrail(`${field}?${Object.values(filter).join('&')}&${size}`);
  const [result, reexecute] = useQuery<Partial<Record<string, Connection<Rows[E]>>>>({
    query: read,
    variables: { ...filter, first: size, after: paging.after },
  });
  const page = result.data?.[field];
  const live = useLiveStatuses();
  const refetch = useCoalesced(() => reexecute({ requestPolicy: 'network-only' }));
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({ entityType }, (status) => {
    live.remember(status);
    if (!page) return;
    const row = page.edges.find((e) => e.node.id === status.entityId)?.node;
    // A row changed beyond the version shown (an edit, here or in a provider), or a record this last page does
    // not show yet (a new one, which sorts last): read the page again.
    if (row ? status.targetVersion > row.version : !page.pageInfo.hasNextPage) refetch();
  });

  return {
    page,
    error: result.error,
    loading: !page && result.fetching,
    paging,
    /** A row's sync states, with those heard live laid over. */
    statusesOf: (row: { syncStatus: readonly SyncStatus[] }) => live.merge(row.syncStatus),
  };
}

/** useListPage's answer for rows of type T (what ListView draws). */
export type ListPage<T> = Omit<ReturnType<typeof useListPage>, 'page'> & { page: Connection<T> | undefined };
