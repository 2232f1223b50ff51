import type { InvoiceStatus } from '../api/types';

const TONES: Record<InvoiceStatus, string> = {
  DRAFT: 'neutral',
  OPEN: 'info',
  PAID: 'good',
  VOID: 'muted',
  UNCOLLECTIBLE: 'bad',
};

export function InvoiceStatusPill({ status }: { status: InvoiceStatus }) {
  return (
    <span className={`pill pill--${TONES[status]}`} data-testid="invoice-status" data-status={status}>
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </span>
  );
}
