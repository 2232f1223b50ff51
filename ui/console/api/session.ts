import { useSyncExternalStore } from 'react';

/**
 * What the console knows about its session: the API token (kept in sessionStorage, so it is gone when the tab
 * closes), whether the server asked for one, and the state of the live (graphql-ws) connection.
 */
export type LiveState = 'connecting' | 'live' | 'offline';

export interface Session {
  token: string | null;
  /** The server answered UNAUTHENTICATED (HTTP 401, or the WebSocket closed 4403): ask for a token. */
  needsToken: boolean;
  live: LiveState;
  /** Bumped each time the live connection comes back after a drop: pages refetch what they may have missed. */
  reconnects: number;
}

const STORAGE_KEY = 'catalog-sync.apiToken';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY) || null;
  } catch {
    return null; // storage disabled: the token lives only in memory
  }
}

let state: Session = { token: readToken(), needsToken: false, live: 'connecting', reconnects: 0 };
const listeners = new Set<() => void>();

function update(patch: Partial<Session>): void {
  const next = { ...state, ...patch };
  if ((Object.keys(patch) as (keyof Session)[]).every((k) => next[k] === state[k])) return;
  state = next;
  listeners.forEach((l) => l());
}

export const session = {
  get: (): Session => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  setToken(token: string | null): void {
    const value = token?.trim() || null;
    try {
      if (value) sessionStorage.setItem(STORAGE_KEY, value);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // storage disabled: keep it in memory only
    }
    update({ token: value, needsToken: false });
  },
  requireToken(): void {
    update({ needsToken: true });
  },
  dismissTokenPrompt(): void {
    update({ needsToken: false });
  },
  setLive(live: LiveState, reconnected = false): void {
    update(reconnected ? { live, reconnects: state.reconnects + 1 } : { live });
  },
};

export function useSession(): Session {
  return useSyncExternalStore(session.subscribe, session.get);
}
