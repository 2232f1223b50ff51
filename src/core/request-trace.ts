import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request ids a provider gives its answers (Stripe's `Request-Id` header), collected per unit of work without
 * threading them through every call: a connector notes each id as its client reports it, and whoever runs the
 * work inside `traceRequests` reads them back (the sync history shows the last one, which support asks for).
 * AsyncLocalStorage keeps concurrent writes apart: each sees only the ids of its own calls.
 */
const current = new AsyncLocalStorage<string[]>();

/** Runs `fn`, appending to `ids` the request id of every provider answer noted while it runs. */
export function traceRequests<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
  return current.run(ids, fn);
}

/** Called by a connector for each provider answer (success or error) that carries a request id. */
export function noteRequestId(id: string | null | undefined): void {
  if (id) current.getStore()?.push(id);
}
