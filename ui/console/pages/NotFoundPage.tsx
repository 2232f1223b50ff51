import { PageHeader, useDocumentTitle } from '../components/Layout';
import { href, paths } from '../routes';

export function NotFoundPage({ path }: { path: string }) {
  useDocumentTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        The console has no page <code>{path || '/'}</code>. <a href={href(paths.customers)}>Go to customers</a>.
      </p>
    </>
  );
}
