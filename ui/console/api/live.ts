import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { SYNC_STATUS_CHANGED } from './documents';
import { useSession } from './session';
import type { EntityType, SyncStatus } from './types';

/**
 * Calls `onStatus` for every `syncStatusChanged` event of the given kind of record (or one record), for as long as
 * the component is mounted. The subscription runs over graphql-ws and survives reconnects (graphql-ws resubscribes).
 */
export function useSyncStatusFeed(
  filter: { entityType?: EntityType; entityId?: string },
  onStatus: (status: SyncStatus) => void,
): void {
  const client = useClient();
  const handler = useRef(onStatus);
  handler.current = onStatus;
  const { entityType, entityId } = filter;
  useEffect(() => {
    const variables = { ...(entityType && { entityType }), ...(entityId && { entityId }) };
    const { unsubscribe } = client
      .subscription<{ syncStatusChanged: SyncStatus }>(SYNC_STATUS_CHANGED, variables)
      .subscribe((result) => {
        if (result.data) handler.current(result.data.syncStatusChanged);
      });
    return unsubscribe;
  }, [client, entityType, entityId]);
}

const key = (s: Pick<SyncStatus, 'entityId' | 'provider'>) => `${s.entityId}/${s.provider}`;
const newer = (a: SyncStatus, b: SyncStatus) => Date.parse(a.updatedAt) > Date.parse(b.updatedAt);

/**
 * Sync states heard live, laid over those a query returned: each record shows whichever of the two is newer, so a
 * badge changes the moment the event arrives and a later refetch never moves it back.
 */
export function useLiveStatuses(): {
  remember(status: SyncStatus): void;
  merge(statuses: readonly SyncStatus[]): SyncStatus[];
  reset(): void;
} {
  const [heard, setHeard] = useState<ReadonlyMap<string, SyncStatus>>(new Map());
  const remember = useCallback((status: SyncStatus) => {
    setHeard((prev) => {
      const known = prev.get(key(status));
      if (known && !newer(status, known)) return prev;
      return new Map(prev).set(key(status), status);
    });
  }, []);
  const merge = useCallback(
    (statuses: readonly SyncStatus[]) =>
      statuses.map((s) => {
        const live = heard.get(key(s));
        return live && newer(live, s) ? live : s;
      }),
    [heard],
  );
  const reset = useCallback(() => setHeard(new Map()), []);
  return { remember, merge, reset };
}

/**
 * Returns a function that runs `fn` once shortly after the last of a burst of calls (sync events come in bursts:
 * PENDING, SYNCING, SYNCED per provider), so a page refetches once per burst rather than once per event.
 */
export function useCoalesced(fn: () => void, delayMs = 150): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, delayMs);
  }, [delayMs]);
}

/** Runs `refetch` when the live connection comes back after a drop: events sent meanwhile were missed. */
export function useRefetchOnReconnect(refetch: () => void): void {
  const { reconnects } = useSession();
  const latest = useRef(refetch);
  latest.current = refetch;
  const seen = useRef(reconnects);
  useEffect(() => {
    if (reconnects === seen.current) return;
    seen.current = reconnects;
    latest.current();
  }, [reconnects]);
}
