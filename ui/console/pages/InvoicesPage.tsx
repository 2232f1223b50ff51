import { useQuery } from 'urql';
import { INVOICES } from '../api/documents';
import { problemOf } from '../api/errors';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import { INVOICE_STATUSES, type Connection, type InvoiceRow, type InvoiceStatus } from '../api/types';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { ProblemNotice } from '../components/Notice';
import { Pager, pageSizeOf } from '../components/Pager';
import { useCursorTrail } from '../components/paging';
import { SyncBadges } from '../components/SyncBadge';
import { formatMoney, shortId } from '../format';
import { href, navigate, paths } from '../routes';
import { InvoiceStatusPill } from './InvoiceStatusPill';

/** Invoices, oldest first, filtered by status (and customer), with live sync badges. */
export function InvoicesPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('Invoices');
  const rawStatus = query.get('status');
  const status = INVOICE_STATUSES.includes(rawStatus as InvoiceStatus) ? (rawStatus as InvoiceStatus) : null;
  const customerId = query.get('customer');
  const size = pageSizeOf(query);
  const paging = useCursorTrail(`invoices?${status ?? ''}&${customerId ?? ''}&${size}`);
  const [result, reexecute] = useQuery<{ invoices: Connection<InvoiceRow> }>({
    query: INVOICES,
    variables: { status, customerId, first: size, after: paging.after },
  });
  const live = useLiveStatuses();
  const refetch = useCoalesced(() => reexecute({ requestPolicy: 'network-only' }));
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({ entityType: 'INVOICE' }, (s) => {
    live.remember(s);
    const page = result.data?.invoices;
    if (!page) return;
    const row = page.edges.find((e) => e.node.id === s.entityId)?.node;
    if (row ? s.targetVersion > row.version : !page.pageInfo.hasNextPage) refetch();
  });

  const setFilter = (next: { status?: string | null; customer?: string | null; size?: string }) =>
    navigate(href(paths.invoices, { status, customer: customerId, size: query.get('size'), ...next }));

  const page = result.data?.invoices;
  const customerName = page?.edges[0]?.node.customer.name;
  return (
    <>
      <PageHeader
        title="Invoices"
        sub={page ? `${page.totalCount} invoice${page.totalCount === 1 ? '' : 's'}` : ' '}
        actions={
          <a className="button button--primary" href={href(paths.newInvoice, { customer: customerId })}>
            New invoice
          </a>
        }
      />
      <div className="toolbar">
        <label htmlFor="invoice-status-filter">Status</label>
        <select
          id="invoice-status-filter"
          value={status ?? ''}
          onChange={(e) => setFilter({ status: e.target.value || null })}
        >
          <option value="">All statuses</option>
          {INVOICE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
        {customerId && (
          <span className="chip">
            Customer: {customerName ?? shortId(customerId)}
            <button
              type="button"
              className="chip__remove"
              aria-label="Show invoices of every customer"
              onClick={() => setFilter({ customer: null })}
            >
              ×
            </button>
          </span>
        )}
      </div>
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
      {!page && result.fetching && <p className="muted">Loading invoices…</p>}
      {page && page.edges.length === 0 && (
        <div className="empty">
          <p>No invoices{status || customerId ? ' match these filters' : ' yet'}.</p>
        </div>
      )}
      {page && page.edges.length > 0 && (
        <div className="card card--flush">
          <div className="table-wrap">
            <table className="table" data-testid="invoices-table">
              <thead>
                <tr>
                  <th scope="col">Invoice</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="numeric">
                    Amount
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Due</th>
                  <th scope="col">Sync</th>
                </tr>
              </thead>
              <tbody>
                {page.edges.map(({ node }) => (
                  <tr key={node.id} data-testid="invoice-row" data-id={node.id}>
                    <th scope="row">
                      <a href={href(paths.invoice(node.id))}>{node.number ?? `Draft ${shortId(node.id)}`}</a>
                      {node.description && <div className="muted small">{node.description}</div>}
                    </th>
                    <td>
                      <a href={href(paths.customer(node.customer.id))}>{node.customer.name}</a>
                    </td>
                    <td className="numeric">{formatMoney(node.amountCents, node.currency)}</td>
                    <td>
                      <InvoiceStatusPill status={node.status} />
                    </td>
                    <td>{node.dueDate ?? '—'}</td>
                    <td>
                      <SyncBadges statuses={live.merge(node.syncStatus)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Invoice pages"
            pageInfo={page.pageInfo}
            shown={page.edges.length}
            totalCount={page.totalCount}
            trail={paging.trail}
            onNext={paging.next}
            onPrevious={paging.previous}
            onFirst={paging.first}
            pageSize={size}
            onPageSize={(n) => setFilter({ size: String(n) })}
          />
        </div>
      )}
    </>
  );
}
