/**
 * The API token the IDE sends. Kept in sessionStorage: it survives a reload but not the browser session, and
 * never sits in GraphiQL's own localStorage (its query history and tabs are kept there).
 */
const KEY = 'catalog-sync:api-token';

export function storedToken(): string {
  return sessionStorage.getItem(KEY) ?? '';
}

export function storeToken(token: string): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** `Authorization: Bearer <token>` for HTTP; graphql-ws' connection_init payload takes the same object. */
export function authHeaders(token: string): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
