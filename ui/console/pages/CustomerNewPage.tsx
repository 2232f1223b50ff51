import { PageHeader, useDocumentTitle } from '../components/Layout';
import { href, navigate, paths } from '../routes';
import { CustomerForm } from './CustomerForm';

export function CustomerNewPage() {
  useDocumentTitle('New customer');
  return (
    <>
      <PageHeader
        title="New customer"
        sub="It is created here and then synced to every enabled provider; watch its badges on the next page."
      />
      <CustomerForm
        onSaved={(c) => navigate(href(paths.customer(c.id)))}
        onCancel={() => navigate(href(paths.customers))}
      />
    </>
  );
}
