import { useEffect, useState } from 'react';
import { Provider } from 'urql';
import { createConsoleClient, type ConsoleClient } from './api/client';
import { useSession } from './api/session';
import { Layout } from './components/Layout';
import { TokenDialog } from './components/TokenDialog';
import { CustomerNewPage } from './pages/CustomerNewPage';
import { CustomerPage } from './pages/CustomerPage';
import { CustomersPage } from './pages/CustomersPage';
import { FailuresPage } from './pages/FailuresPage';
import { InvoiceNewPage } from './pages/InvoiceNewPage';
import { InvoicePage } from './pages/InvoicePage';
import { InvoicesPage } from './pages/InvoicesPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProvidersPage } from './pages/ProvidersPage';
import { useLocation, type Location } from './routes';

function Page({ location: { route, query } }: { location: Location }) {
  switch (route.page) {
    case 'customers':
      return <CustomersPage query={query} />;
    case 'customer-new':
      return <CustomerNewPage />;
    case 'customer':
      return <CustomerPage key={route.id} id={route.id} />;
    case 'invoices':
      return <InvoicesPage query={query} />;
    case 'invoice-new':
      return <InvoiceNewPage query={query} />;
    case 'invoice':
      return <InvoicePage key={route.id} id={route.id} />;
    case 'failures':
      return <FailuresPage query={query} />;
    case 'providers':
      return <ProvidersPage />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

/** The console: one GraphQL client per API token (a new token reconnects everything), the frame and the page. */
export function App() {
  const { token, needsToken } = useSession();
  const [api, setApi] = useState<ConsoleClient | null>(null);
  useEffect(() => {
    const next = createConsoleClient(token);
    setApi(next);
    return () => next.dispose();
  }, [token]);
  const location = useLocation();
  if (!api) return null;
  return (
    <Provider value={api.client}>
      <Layout route={location.route}>
        <Page key={token ?? ''} location={location} />
      </Layout>
      {needsToken && <TokenDialog hadToken={!!token} />}
    </Provider>
  );
}
