import { useClient } from 'urql';
import { INVOICE_MOVES } from '../api/documents';
import type { InvoiceStatus } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { ProblemNotice } from '../components/Notice';
import { SyncBadges } from '../components/SyncBadge';
import { SyncHistory } from '../components/SyncHistory';
import { SyncPanel } from '../components/SyncPanel';
import { formatMoney, shortId } from '../format';
import { href, paths } from '../routes';
import { InvoiceForm } from './InvoiceForm';
import { InvoiceStatusPill } from './InvoiceStatusPill';
import { RecordDetails } from './RecordDetails';
import { RecordMissing } from './RecordMissing';
import { useRecordPage } from './useRecordPage';

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
  const page = useRecordPage('INVOICE', id);
  const invoice = page.record;
  useDocumentTitle(invoice ? `Invoice ${invoice.number ?? 'draft'}` : 'Invoice');
  const client = useClient();

  const move = async (m: Move) => {
    if (!invoice) return;
    await page.run(m, () => client.mutation(INVOICE_MOVES[m], { id, v: invoice.version }).toPromise());
    page.refetch();
  };

  if (!invoice) return <RecordMissing entityType="INVOICE" id={id} error={page.error} />;

  const pending = page.busy;
  const busy = pending !== null || page.deleting;
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
            <SyncBadges statuses={page.statuses} />
          </>
        }
        actions={
          !page.editing && (
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
              <button type="button" className="button" onClick={page.edit}>
                Edit
              </button>
              {invoice.status === 'DRAFT' && (
                <ConfirmButton
                  label="Delete"
                  confirmLabel="Delete draft"
                  question="Delete this draft here and at every provider?"
                  onConfirm={() => void page.remove(paths.customer(invoice.customer.id))}
                  busy={page.deleting}
                />
              )}
            </>
          )
        }
      />
      {page.problem && <ProblemNotice problem={page.problem} />}
      {page.editing ? (
        <InvoiceForm editing={invoice} customer={invoice.customer} {...page.formEvents} />
      ) : (
        <RecordDetails record={invoice}>
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
        </RecordDetails>
      )}
      <SyncPanel entityType="INVOICE" record={invoice} statuses={page.statuses} onRetried={page.heard} />
      <SyncHistory entityType="INVOICE" entityId={invoice.id} refreshKey={page.historyKey} />
    </>
  );
}
