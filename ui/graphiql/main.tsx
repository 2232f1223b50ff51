import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createRoot } from 'react-dom/client';

const url = new URL('/graphql', window.location.href).toString();
const fetcher = createGraphiQLFetcher({ url, subscriptionUrl: url.replace(/^http/, 'ws') });
createRoot(document.getElementById('root')!).render(<GraphiQL fetcher={fetcher} />);
