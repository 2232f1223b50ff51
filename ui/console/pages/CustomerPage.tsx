import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CUSTOMER_BY_ID, DELETE_CUSTOMER } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import type { Customer } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { Notice, ProblemNotice } from '../components/Notice';
import { SyncBadges } from '../components/SyncBadge';
import { SyncHistory } from '../components/SyncHistory';
import { SyncPanel } from '../components/SyncPanel';
import { Time } from '../components/Time';
import { formatMoney } from '../format';
import { href, navigate, paths } from '../routes';
import { CustomerForm } from './CustomerForm';
import { InvoiceStatusPill } from './InvoiceStatusPill';

/**
 * One customer: its fields, its ids at each provider, its sync state per provider (live), its invoices and its sync
 * history. Any sync event about it re-reads the record, so a change made in Stripe or Salesforce shows up here
 * without a reload.
 */
export function CustomerPage({ id }: { id: string }) {
  const [result, reexecute] = useQuery<{ customer: Customer }>({ query: CUSTOMER_BY_ID, variables: { id } });
  const customer = result.data?.customer;
  useDocumentTitle(customer?.name ?? 'Customer');
  const live = useLiveStatuses();
  const [historyKey, setHistoryKey] = useState(0);
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [deleted, runDelete] = useMutation(DELETE_CUSTOMER);

  const refetch = useCoalesced(() => {
    reexecute({ requestPolicy: 'network-only' });
    setHistoryKey((k) => k + 1);
  });
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({ entityType: 'CUSTOMER', entityId: id }, (status) => {
    live.remember(status);
    refetch();
  });
  // Its invoices' changes (a number from Stripe, paid in Stripe) show in its invoice table too.
  useSyncStatusFeed({ entityType: 'INVOICE' }, (status) => {
    if (customer?.invoices.some((inv) => inv.id === status.entityId)) refetch();
  });

  const remove = async () => {
    setProblem(null);
    const res = await runDelete({ id });
    if (res.error) setProblem(problemOf(res.error));
    else navigate(href(paths.customers));
  };

  if (!customer) {
    if (result.error) {
      const p = problemOf(result.error);
      return (
        <>
          <PageHeader title="Customer" />
          {p.code === 'NOT_FOUND' ? (
            <Notice kind="warning" title="Customer not found" testId="not-found">
              <p>
                There is no customer <code>{id}</code>, or it has been deleted.{' '}
                <a href={href(paths.customers)}>Back to customers</a>
              </p>
            </Notice>
          ) : (
            <ProblemNotice problem={p} />
          )}
        </>
      );
    }
    return <p className="muted">Loading customer…</p>;
  }

  const statuses = live.merge(customer.syncStatus);
  return (
    <>
      <PageHeader
        title={<span data-testid="customer-name">{customer.name}</span>}
        sub={
          <>
            <span data-testid="customer-email">{customer.email}</span> · version{' '}
            <span data-testid="customer-version">{customer.version}</span> <SyncBadges statuses={statuses} />
          </>
        }
        actions={
          !editing && (
            <>
              <button type="button" className="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              <a className="button" href={href(paths.newInvoice, { customer: customer.id })}>
                New invoice
              </a>
              <ConfirmButton
                label="Delete"
                confirmLabel="Delete customer"
                question={`Delete ${customer.name} here and at every provider?`}
                onConfirm={() => void remove()}
                busy={deleted.fetching}
              />
            </>
          )
        }
      />
      {problem && <ProblemNotice problem={problem} />}
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
      {editing ? (
        <CustomerForm
          editing={customer}
          onSaved={() => {
            setEditing(false);
            refetch();
          }}
          onCancel={() => setEditing(false)}
          onReload={() => {
            setEditing(false);
            refetch();
          }}
        />
      ) : (
        <section className="card" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <dl className="details">
            <dt>Name</dt>
            <dd>{customer.name}</dd>
            <dt>Email</dt>
            <dd>{customer.email}</dd>
            <dt>Version</dt>
            <dd>{customer.version}</dd>
            <dt>Created</dt>
            <dd>
              <Time iso={customer.createdAt} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <Time iso={customer.updatedAt} />
            </dd>
            <dt>Id</dt>
            <dd>
              <code>{customer.id}</code>
            </dd>
          </dl>
        </section>
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
      <SyncPanel
        entityType="CUSTOMER"
        entityId={customer.id}
        statuses={statuses}
        mappings={customer.externalMappings}
        onRetried={(s) => {
          live.remember(s);
          refetch();
        }}
      />
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
          <div className="table-wrap">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Due</th>
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </div>
        )}
      </section>
      <SyncHistory entityType="CUSTOMER" entityId={customer.id} refreshKey={historyKey} />
    </>
  );
}
