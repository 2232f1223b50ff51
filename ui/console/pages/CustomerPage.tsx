import { problemOf } from '../api/errors';
import { useSyncStatusFeed } from '../api/live';
import { ConfirmButton } from '../components/ConfirmButton';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { Notice, ProblemNotice } from '../components/Notice';
import { SyncBadges } from '../components/SyncBadge';
import { SyncHistory } from '../components/SyncHistory';
import { SyncPanel } from '../components/SyncPanel';
import { Table } from '../components/Table';
import { formatMoney } from '../format';
import { href, paths } from '../routes';
import { CustomerForm } from './CustomerForm';
import { InvoiceStatusPill } from './InvoiceStatusPill';
import { RecordDetails } from './RecordDetails';
import { RecordMissing } from './RecordMissing';
import { useRecordPage } from './useRecordPage';

/**
 * One customer: its fields, its ids at each provider, its sync state per provider (live), its invoices and its sync
 * history. Any sync event about it re-reads the record, so a change made in Stripe or Salesforce shows up here
 * without a reload.
 */
export function CustomerPage({ id }: { id: string }) {
  const page = useRecordPage('CUSTOMER', id);
  const customer = page.record;
  useDocumentTitle(customer?.name ?? 'Customer');
  // Its invoices' changes (a number from Stripe, paid in Stripe) show in its invoice table too.
  useSyncStatusFeed({ entityType: 'INVOICE' }, (status) => {
    if (customer?.invoices.some((inv) => inv.id === status.entityId)) page.refetch();
  });

  if (!customer) return <RecordMissing entityType="CUSTOMER" id={id} error={page.error} />;

  return (
    <>
      <PageHeader
        title={<span data-testid="customer-name">{customer.name}</span>}
        sub={
          <>
            <span data-testid="customer-email">{customer.email}</span> · version{' '}
            <span data-testid="customer-version">{customer.version}</span> <SyncBadges statuses={page.statuses} />
          </>
        }
        actions={
          !page.editing && (
            <>
              <button type="button" className="button" onClick={page.edit}>
                Edit
              </button>
              <a className="button" href={href(paths.newInvoice, { customer: customer.id })}>
                New invoice
              </a>
              <ConfirmButton
                label="Delete"
                confirmLabel="Delete customer"
                question={`Delete ${customer.name} here and at every provider?`}
                onConfirm={() => void page.remove(paths.customers)}
                busy={page.deleting}
              />
            </>
          )
        }
      />
      {page.problem && <ProblemNotice problem={page.problem} />}
      {page.error && <ProblemNotice problem={problemOf(page.error)} />}
      {page.editing ? (
        <CustomerForm editing={customer} {...page.formEvents} />
      ) : (
        <RecordDetails record={customer}>
          <dt>Name</dt>
          <dd>{customer.name}</dd>
          <dt>Email</dt>
          <dd>{customer.email}</dd>
        </RecordDetails>
      )}
      {customer.possibleDuplicates.length > 0 && (
        <Notice kind="warning" title="Possible duplicates">
          <p>Other customers with the same email; merge them by hand if they are one person:</p>
          <ul>
            {customer.possibleDuplicates.map((d) => (
              <li key={d.id}>
                <a href={href(paths.customer(d.id))}>{d.name}</a> ({d.email})
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <SyncPanel entityType="CUSTOMER" record={customer} statuses={page.statuses} onRetried={page.heard} />
      <section className="card" aria-labelledby="invoices-heading">
        <div className="card__head">
          <h2 id="invoices-heading">Invoices</h2>
          <a className="button button--quiet" href={href(paths.invoices, { customer: customer.id })}>
            All with filters
          </a>
        </div>
        {customer.invoices.length === 0 ? (
          <p className="muted">
            No invoices. <a href={href(paths.newInvoice, { customer: customer.id })}>Create one</a>.
          </p>
        ) : (
          <Table columns={['Number', 'Amount', 'Status', 'Due']} compact>
            {customer.invoices.map((inv) => (
              <tr key={inv.id}>
                <th scope="row">
                  <a href={href(paths.invoice(inv.id))}>{inv.number ?? 'Draft'}</a>
                </th>
                <td className="numeric">{formatMoney(inv.amountCents, inv.currency)}</td>
                <td>
                  <InvoiceStatusPill status={inv.status} />
                </td>
                <td>{inv.dueDate ?? '—'}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <SyncHistory entityType="CUSTOMER" entityId={customer.id} refreshKey={page.historyKey} />
    </>
  );
}
