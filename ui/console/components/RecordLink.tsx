import { useQuery } from 'urql';
import { RECORD_LABELS } from '../api/documents';
import { ENTITY_NAMES, type EntityType } from '../api/types';
import { shortId } from '../format';
import { href, recordPath } from '../routes';

interface Labelled {
  customer?: { name: string; deletedAt: string | null };
  invoice?: { number: string | null; deletedAt: string | null; customer: { name: string } };
}

/** A link to a record by its name (a customer) or number and customer (an invoice), read once and cached. */
export function RecordLink({ entityType, entityId }: { entityType: EntityType; entityId: string | null }) {
  const [result] = useQuery<Labelled>({
    query: RECORD_LABELS[entityType],
    variables: { id: entityId ?? '' },
    pause: !entityId,
    requestPolicy: 'cache-first',
  });
  if (!entityId) return <span className="muted">{ENTITY_NAMES[entityType]} (no local record)</span>;
  const { customer, invoice } = result.data ?? {};
  const label = customer
    ? customer.name
    : invoice
      ? `${invoice.number ?? 'Draft'} · ${invoice.customer.name}`
      : shortId(entityId);
  const deleted = !!(customer?.deletedAt ?? invoice?.deletedAt);
  return (
    <span className="record-link">
      <span className="record-link__type">{ENTITY_NAMES[entityType]}</span>
      <a href={href(recordPath(entityType, entityId))} title={entityId}>
        {label}
      </a>
      {deleted && <span className="muted small"> (deleted)</span>}
    </span>
  );
}
