import { useQuery } from 'urql';
import { CUSTOMER_NAME } from '../api/documents';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { href, navigate, paths } from '../routes';
import { InvoiceForm } from './InvoiceForm';

export function InvoiceNewPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('New invoice');
  const customerId = query.get('customer');
  const [result] = useQuery<{ customer: { id: string; name: string; email: string } }>({
    query: CUSTOMER_NAME,
    variables: { id: customerId ?? '' },
    pause: !customerId,
  });
  const waiting = !!customerId && !result.data && !result.error;
  return (
    <>
      <PageHeader
        title="New invoice"
        sub="It starts as a draft and goes to the providers once its customer is there."
      />
      {waiting ? (
        <p className="muted">Loading…</p>
      ) : (
        <InvoiceForm
          customer={result.data?.customer ?? null}
          onSaved={(inv) => navigate(href(paths.invoice(inv.id)))}
          onCancel={() => navigate(href(customerId && result.data ? paths.customer(customerId) : paths.invoices))}
        />
      )}
    </>
  );
}
