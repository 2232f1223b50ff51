import { useEffect, useRef, useState, type FormEvent } from 'react';
import { session } from '../api/session';

/**
 * Asks for an API token when the server said UNAUTHENTICATED (it runs with API_TOKENS set). The token is kept in
 * sessionStorage for this tab only and sent as `Authorization: Bearer <token>` (graphql-ws: in connection_init).
 */
export function TokenDialog({ hadToken }: { hadToken: boolean }) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) session.setToken(value);
  };
  return (
    <div className="overlay">
      <form
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        aria-describedby="token-help"
        onSubmit={submit}
        data-testid="token-dialog"
      >
        <h2 id="token-title">API token required</h2>
        <p id="token-help">
          {hadToken
            ? 'The server refused the token this tab was using. Enter a valid one.'
            : 'This server only answers with an API token (one of its API_TOKENS).'}{' '}
          It is kept for this browser tab only.
        </p>
        <div className="field">
          <label htmlFor="token-input">API token</label>
          <input
            id="token-input"
            ref={input}
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={!value.trim()}>
            Use token
          </button>
          <button type="button" className="button button--quiet" onClick={() => session.dismissTokenPrompt()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
