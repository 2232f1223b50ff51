import { useEffect } from 'react';
import { useQuery } from 'urql';
import { SYNC_EVENTS } from '../api/documents';
import { problemOf } from '../api/errors';
import { PROVIDER_NAMES, type EntityType, type PageInfo, type SyncEvent } from '../api/types';
import { ProblemNotice } from './Notice';
import { Pager } from './Pager';
import { useCursorTrail } from './paging';
import { Table, type Column } from './Table';
import { Time } from './Time';

const OUTCOME_TONES: Record<string, string> = {
  synced: 'good',
  created: 'good',
  updated: 'good',
  deleted: 'good',
  linked: 'good',
  already_synced: 'neutral',
  unchanged: 'neutral',
  skipped: 'neutral',
  duplicate: 'neutral',
  echo: 'neutral',
  superseded: 'neutral',
  waiting: 'info',
  retrying: 'warn',
  failed: 'bad',
  dead_lettered: 'bad',
};

const PAGE_SIZE = 20;

const COLUMNS: Column[] = [
  'When',
  'Provider',
  'Direction',
  'Outcome',
  'Attempt',
  { label: 'Took', numeric: true },
  'Details',
];

/** The sync events handled for one record (newest first): each attempt out, each change in, with its outcome. */
export function SyncHistory({
  entityType,
  entityId,
  refreshKey,
}: {
  entityType: EntityType;
  entityId: string;
  /** Changes whenever the record's sync state moved: the history is read again. */
  refreshKey: number;
}) {
  const paging = useCursorTrail(`history/${entityId}`, { persist: false });
  const [result, reexecute] = useQuery<{ syncEvents: { edges: Array<{ node: SyncEvent }>; pageInfo: PageInfo } }>({
    query: SYNC_EVENTS,
    variables: { entityType, entityId, first: PAGE_SIZE, after: paging.after },
    requestPolicy: 'network-only',
  });
  useEffect(() => {
    if (refreshKey > 0) reexecute({ requestPolicy: 'network-only' });
  }, [refreshKey, reexecute]);

  const events = result.data?.syncEvents.edges.map((e) => e.node) ?? [];
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">Sync history</h2>
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
      {!result.data && result.fetching && <p className="muted">Loading…</p>}
      {result.data && events.length === 0 && <p className="muted">No sync events yet.</p>}
      {events.length > 0 && (
        <Table columns={COLUMNS} testId="sync-history" compact>
          {events.map((e) => (
            <tr key={e.id} data-testid="history-row" data-outcome={e.outcome} data-direction={e.direction}>
              <td>
                <Time iso={e.at} />
              </td>
              <td>{PROVIDER_NAMES[e.provider]}</td>
              <td>
                <span className={`direction direction--${e.direction.toLowerCase()}`}>
                  <span aria-hidden="true">{e.direction === 'OUTBOUND' ? '↑ ' : '↓ '}</span>
                  {e.direction === 'OUTBOUND' ? 'Out' : 'In'}
                </span>
              </td>
              <td>
                <span className={`pill pill--${OUTCOME_TONES[e.outcome] ?? 'neutral'}`}>
                  {e.outcome.replace(/_/g, ' ')}
                </span>
              </td>
              <td>{e.attempt ?? '—'}</td>
              <td className="numeric nowrap">{e.durationMs} ms</td>
              <td className="details-cell small">
                {e.error && <p className="error-text">{e.error}</p>}
                <p className="muted">
                  {e.externalId && (
                    <>
                      id <code>{e.externalId}</code>{' '}
                    </>
                  )}
                  {e.providerRequestId && (
                    <>
                      request <code>{e.providerRequestId}</code>{' '}
                    </>
                  )}
                  event <code title={e.eventId}>{e.eventId.slice(0, 12)}</code>
                </p>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {result.data && (paging.trail.length > 0 || result.data.syncEvents.pageInfo.hasNextPage) && (
        <Pager label="Sync history pages" page={result.data.syncEvents} paging={paging} />
      )}
    </section>
  );
}
