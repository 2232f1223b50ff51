import { INVOICE_STATUSES, type InvoiceStatus } from '../api/types';
import { FilterSelect } from '../components/FilterSelect';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { pageSizeOf } from '../components/Pager';
import type { Column } from '../components/Table';
import { formatMoney, shortId } from '../format';
import { href, navigate, paths } from '../routes';
import { InvoiceStatusPill } from './InvoiceStatusPill';
import { ListView } from './ListView';
import { useListPage } from './useListPage';

const COLUMNS: Column[] = ['Invoice', 'Customer', { label: 'Amount', numeric: true }, 'Status', 'Due'];

/** Invoices, oldest first, filtered by status (and customer), with live sync badges. */
export function InvoicesPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('Invoices');
  const rawStatus = query.get('status');
  const status = INVOICE_STATUSES.includes(rawStatus as InvoiceStatus) ? (rawStatus as InvoiceStatus) : null;
  const customerId = query.get('customer');
  const size = pageSizeOf(query);
  const list = useListPage('INVOICE', { status, customerId }, size);

  const setFilter = (next: { status?: string | null; customer?: string | null; size?: string }) =>
    navigate(href(paths.invoices, { status, customer: customerId, size: query.get('size'), ...next }));

  const { page } = list;
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
        <FilterSelect
          id="invoice-status-filter"
          label="Status"
          all="All statuses"
          value={status}
          options={INVOICE_STATUSES}
          labelOf={(s) => s.charAt(0) + s.slice(1).toLowerCase()}
          onChange={(next) => setFilter({ status: next })}
        />
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
      <ListView
        entityType="INVOICE"
        list={list}
        columns={COLUMNS}
        empty={<p>No invoices{status || customerId ? ' match these filters' : ' yet'}.</p>}
        pageSize={size}
        onPageSize={(n) => setFilter({ size: String(n) })}
      >
        {(node) => (
          <>
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
          </>
        )}
      </ListView>
    </>
  );
}
