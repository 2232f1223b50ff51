import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { useMemo, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_QUERY } from './default-query.js';
import './styles.css';
import { authHeaders, storedToken, storeToken } from './token.js';

// The page is served at GET /graphql, but resolve it anyway so the IDE also works if it is opened elsewhere.
const endpoint = new URL('/graphql', window.location.href).href;

function App() {
  const [token, setToken] = useState(storedToken);
  // A new fetcher when the token changes: GraphiQL then fetches the schema again, now with the token. Headers
  // typed into GraphiQL's own Headers tab still apply on top (the toolkit merges them into both transports).
  const fetcher = useMemo(
    () =>
      createGraphiQLFetcher({
        url: endpoint,
        subscriptionUrl: endpoint.replace(/^http/, 'ws'),
        headers: authHeaders(token),
        wsConnectionParams: authHeaders(token),
      }),
    [token],
  );
  const applyToken = (value: string) => {
    storeToken(value);
    setToken(value);
  };
  return (
    <div className="cs-page">
      {/* graphiql-container: GraphiQL's colour and font variables, so the bar follows its light/dark theme. */}
      <header className="cs-header graphiql-container">
        <span className="cs-title">catalog-sync GraphQL</span>
        <TokenForm token={token} onSubmit={applyToken} />
        <a className="cs-link" href="/sandbox" title="Apollo's IDE, loaded from Apollo's servers">
          Apollo Sandbox (needs internet)
        </a>
      </header>
      <main className="cs-main">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
      </main>
    </div>
  );
}

/** One field; Enter (or the button) applies it, so a half-typed token never goes out. Empty forgets it. */
function TokenForm({ token, onSubmit }: { token: string; onSubmit: (token: string) => void }) {
  const [draft, setDraft] = useState(token);
  const applied = draft.trim() === token;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(draft.trim());
  };
  return (
    <form className="cs-token" onSubmit={submit}>
      <input
        type="password"
        aria-label="API token"
        placeholder="API token (if the server has API_TOKENS)"
        autoComplete="off"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" disabled={applied}>
        {applied && token ? 'Token set' : 'Set token'}
      </button>
    </form>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
