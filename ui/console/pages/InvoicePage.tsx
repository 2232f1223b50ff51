import { useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { DELETE_INVOICE, INVOICE_BY_ID, INVOICE_MOVES } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import type { Invoice, InvoiceStatus } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { Notice, ProblemNotice } from '../components/Notice';
import { SyncBadges } from '../components/SyncBadge';
import { SyncHistory } from '../components/SyncHistory';
import { SyncPanel } from '../components/SyncPanel';
import { Time } from '../components/Time';
import { formatMoney, shortId } from '../format';
import { href, navigate, paths } from '../routes';
import { InvoiceForm } from './InvoiceForm';
import { InvoiceStatusPill } from './InvoiceStatusPill';

type Move = keyof typeof INVOICE_MOVES;

/** The lifecycle buttons each status offers (draft -> open -> paid | void | uncollectible; uncollectible -> paid | void). */
const MOVES: Record<InvoiceStatus, Array<{ move: Move; label: string; confirm?: string }>> = {
  DRAFT: [{ move: 'finalize', label: 'Finalize' }],
  OPEN: [
    { move: 'pay', label: 'Mark paid' },
    { move: 'uncollectible', label: 'Mark uncollectible' },
    { move: 'void', label: 'Void', confirm: 'Void this invoice? This cannot be undone.' },
  ],
  UNCOLLECTIBLE: [
    { move: 'pay', label: 'Mark paid' },
    { move: 'void', label: 'Void', confirm: 'Void this invoice? This cannot be undone.' },
  ],
  PAID: [],
  VOID: [],
};

/** One invoice: fields, lifecycle buttons, ids at each provider, sync state (live) and sync history. */
export function InvoicePage({ id }: { id: string }) {
  const [result, reexecute] = useQuery<{ invoice: Invoice }>({ query: INVOICE_BY_ID, variables: { id } });
  const invoice = result.data?.invoice;
  useDocumentTitle(invoice ? `Invoice ${invoice.number ?? 'draft'}` : 'Invoice');
  const live = useLiveStatuses();
  const [historyKey, setHistoryKey] = useState(0);
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const client = useClient();
  const [deleting, runDelete] = useMutation(DELETE_INVOICE);
  const [pending, setPending] = useState<Move | null>(null);

  const refetch = useCoalesced(() => {
    reexecute({ requestPolicy: 'network-only' });
    setHistoryKey((k) => k + 1);
  });
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({ entityType: 'INVOICE', entityId: id }, (s) => {
    live.remember(s);
    refetch();
  });

  const move = async (m: Move) => {
    if (!invoice) return;
    setProblem(null);
    setPending(m);
    const res = await client.mutation(INVOICE_MOVES[m], { id, v: invoice.version }).toPromise();
    setPending(null);
    if (res.error) setProblem(problemOf(res.error));
    refetch();
  };
  const remove = async () => {
    setProblem(null);
    const res = await runDelete({ id });
    if (res.error) setProblem(problemOf(res.error));
    else navigate(href(invoice ? paths.customer(invoice.customer.id) : paths.invoices));
  };

  if (!invoice) {
    if (result.error) {
      const p = problemOf(result.error);
      return (
        <>
          <PageHeader title="Invoice" />
          {p.code === 'NOT_FOUND' ? (
            <Notice kind="warning" title="Invoice not found" testId="not-found">
              <p>
                There is no invoice <code>{id}</code>, or it has been deleted.{' '}
                <a href={href(paths.invoices)}>Back to invoices</a>
              </p>
            </Notice>
          ) : (
            <ProblemNotice problem={p} />
          )}
        </>
      );
    }
    return <p className="muted">Loading invoice…</p>;
  }

  const statuses = live.merge(invoice.syncStatus);
  const busy = pending !== null || deleting.fetching;
  return (
    <>
      <PageHeader
        title={
          <>
            Invoice <span data-testid="invoice-number">{invoice.number ?? `draft ${shortId(invoice.id)}`}</span>{' '}
            <InvoiceStatusPill status={invoice.status} />
          </>
        }
        sub={
          <>
            <span data-testid="invoice-amount">{formatMoney(invoice.amountCents, invoice.currency)}</span> for{' '}
            <a href={href(paths.customer(invoice.customer.id))}>{invoice.customer.name}</a> · version {invoice.version}{' '}
            <SyncBadges statuses={statuses} />
          </>
        }
        actions={
          !editing && (
            <>
              {MOVES[invoice.status].map(({ move: m, label, confirm }) =>
                confirm ? (
                  <ConfirmButton
                    key={m}
                    label={label}
                    confirmLabel={label}
                    question={confirm}
                    onConfirm={() => void move(m)}
                    busy={pending === m}
                  />
                ) : (
                  <button
                    key={m}
                    type="button"
                    className={`button${m === 'finalize' || m === 'pay' ? ' button--primary' : ''}`}
                    onClick={() => void move(m)}
                    disabled={busy}
                  >
                    {pending === m ? 'Working…' : label}
                  </button>
                ),
              )}
              <button type="button" className="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              {invoice.status === 'DRAFT' && (
                <ConfirmButton
                  label="Delete"
                  confirmLabel="Delete draft"
                  question="Delete this draft here and at every provider?"
                  onConfirm={() => void remove()}
                  busy={deleting.fetching}
                />
              )}
            </>
          )
        }
      />
      {problem && <ProblemNotice problem={problem} />}
      {editing ? (
        <InvoiceForm
          editing={invoice}
          customer={invoice.customer}
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
            <dt>Customer</dt>
            <dd>
              <a href={href(paths.customer(invoice.customer.id))}>{invoice.customer.name}</a>{' '}
              <span className="muted">({invoice.customer.email})</span>
            </dd>
            <dt>Amount</dt>
            <dd>
              {formatMoney(invoice.amountCents, invoice.currency)} <span className="muted">{invoice.currency}</span>
            </dd>
            <dt>Status</dt>
            <dd>
              <InvoiceStatusPill status={invoice.status} />
            </dd>
            <dt>Number</dt>
            <dd>{invoice.number ?? <span className="muted">assigned by Stripe when finalized</span>}</dd>
            <dt>Description</dt>
            <dd>{invoice.description ?? <span className="muted">—</span>}</dd>
            <dt>Due</dt>
            <dd>{invoice.dueDate ?? <span className="muted">—</span>}</dd>
            <dt>Version</dt>
            <dd>{invoice.version}</dd>
            <dt>Created</dt>
            <dd>
              <Time iso={invoice.createdAt} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <Time iso={invoice.updatedAt} />
            </dd>
            <dt>Id</dt>
            <dd>
              <code>{invoice.id}</code>
            </dd>
          </dl>
        </section>
      )}
      <SyncPanel
        entityType="INVOICE"
        entityId={invoice.id}
        statuses={statuses}
        mappings={invoice.externalMappings}
        onRetried={(s) => {
          live.remember(s);
          refetch();
        }}
      />
      <SyncHistory entityType="INVOICE" entityId={invoice.id} refreshKey={historyKey} />
    </>
  );
}
