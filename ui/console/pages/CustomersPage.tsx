import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { CUSTOMERS } from '../api/documents';
import { problemOf } from '../api/errors';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import type { Connection, CustomerRow } from '../api/types';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { ProblemNotice } from '../components/Notice';
import { Pager, pageSizeOf } from '../components/Pager';
import { useCursorTrail } from '../components/paging';
import { SyncBadges } from '../components/SyncBadge';
import { Time } from '../components/Time';
import { href, navigate, paths } from '../routes';

/** Customers, oldest first, with search and paging; each row's sync badges follow syncStatusChanged live. */
export function CustomersPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('Customers');
  const search = query.get('q') ?? '';
  const size = pageSizeOf(query);
  const [draft, setDraft] = useState(search);
  useEffect(() => setDraft(search), [search]);
  const paging = useCursorTrail(`customers?${search}&${size}`);
  const [result, reexecute] = useQuery<{ customers: Connection<CustomerRow> }>({
    query: CUSTOMERS,
    variables: { search: search || null, first: size, after: paging.after },
  });
  const live = useLiveStatuses();
  const refetch = useCoalesced(() => reexecute({ requestPolicy: 'network-only' }));
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({ entityType: 'CUSTOMER' }, (status) => {
    live.remember(status);
    const page = result.data?.customers;
    if (!page) return;
    const row = page.edges.find((e) => e.node.id === status.entityId)?.node;
    // A row changed beyond the version shown (an edit, here or in a provider), or a record this last page does
    // not show yet (a new one, which sorts last): read the page again.
    if (row ? status.targetVersion > row.version : !page.pageInfo.hasNextPage) refetch();
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(href(paths.customers, { q: draft.trim(), size: query.get('size') }));
  };

  const page = result.data?.customers;
  return (
    <>
      <PageHeader
        title="Customers"
        sub={page ? `${page.totalCount} customer${page.totalCount === 1 ? '' : 's'}${search ? ' found' : ''}` : ' '}
        actions={
          <a className="button button--primary" href={href(paths.newCustomer)}>
            New customer
          </a>
        }
      />
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor="customer-search">Search customers</label>
        <input
          id="customer-search"
          type="search"
          placeholder="Name or email"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
        {search && (
          <a className="button button--quiet" href={href(paths.customers)}>
            Clear
          </a>
        )}
      </form>
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
      {!page && result.fetching && <p className="muted">Loading customers…</p>}
      {page && page.edges.length === 0 && (
        <div className="empty">
          {search ? (
            <p>No customer matches “{search}”.</p>
          ) : (
            <p>
              No customers yet. <a href={href(paths.newCustomer)}>Create one</a> or{' '}
              <a href={href(paths.providers)}>import them from a provider</a>.
            </p>
          )}
        </div>
      )}
      {page && page.edges.length > 0 && (
        <div className="card card--flush">
          <div className="table-wrap">
            <table className="table" data-testid="customers-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col" className="numeric">
                    Version
                  </th>
                  <th scope="col">Updated</th>
                  <th scope="col">Sync</th>
                </tr>
              </thead>
              <tbody>
                {page.edges.map(({ node }) => (
                  <tr key={node.id} data-testid="customer-row" data-id={node.id}>
                    <th scope="row">
                      <a href={href(paths.customer(node.id))}>{node.name}</a>
                    </th>
                    <td>{node.email}</td>
                    <td className="numeric">{node.version}</td>
                    <td>
                      <Time iso={node.updatedAt} />
                    </td>
                    <td>
                      <SyncBadges statuses={live.merge(node.syncStatus)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Customer pages"
            pageInfo={page.pageInfo}
            shown={page.edges.length}
            totalCount={page.totalCount}
            trail={paging.trail}
            onNext={paging.next}
            onPrevious={paging.previous}
            onFirst={paging.first}
            pageSize={size}
            onPageSize={(n) => navigate(href(paths.customers, { q: search, size: String(n) }))}
          />
        </div>
      )}
    </>
  );
}
