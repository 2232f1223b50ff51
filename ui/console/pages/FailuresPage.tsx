import { useMutation, useQuery } from 'urql';
import { DEAD_LETTERS, REPLAY_DEAD_LETTER, RETRY_SYNC, SYNC_FAILURES } from '../api/documents';
import { problemOf } from '../api/errors';
import { useCoalesced, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import {
  ENTITY_NAMES,
  PROVIDER_NAMES,
  type Connection,
  type DeadLetter,
  type Provider,
  type SyncStatus,
} from '../api/types';
import { useAction, type Answer } from '../api/useAction';
import { FilterSelect } from '../components/FilterSelect';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { RecordLink } from '../components/RecordLink';
import { ProblemNotice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { useCursorTrail } from '../components/paging';
import { ACTIONS, Table, type Column } from '../components/Table';
import { Time } from '../components/Time';
import { shortId } from '../format';
import { href, navigate, paths } from '../routes';

const PROVIDERS: Provider[] = ['STRIPE', 'SALESFORCE'];

const ATTEMPTS: Column = { label: 'Attempts', numeric: true };
const FAILURE_COLUMNS: Column[] = ['Record', 'Provider', ATTEMPTS, 'Last error', 'Since', ACTIONS];
const DEAD_LETTER_COLUMNS: Column[] = ['Given up', 'Record', 'Provider', 'Direction', ATTEMPTS, 'Error', ACTIONS];

/**
 * What did not sync: records whose latest change FAILED at a provider (Retry queues it again), and the dead letters
 * the workers gave up on (Replay sends one again). Both re-read whenever a sync state changes.
 */
export function FailuresPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('Failures');
  const raw = query.get('provider');
  const provider = PROVIDERS.includes(raw as Provider) ? (raw as Provider) : null;
  const includeReplayed = query.get('replayed') === '1';
  const paging = useCursorTrail(`dead-letters?${provider ?? ''}&${includeReplayed}`);
  const [failures, refetchFailures] = useQuery<{ syncFailures: SyncStatus[] }>({
    query: SYNC_FAILURES,
    variables: { provider },
  });
  const [letters, refetchLetters] = useQuery<{ deadLetters: Connection<DeadLetter> }>({
    query: DEAD_LETTERS,
    variables: { provider, includeReplayed, first: 20, after: paging.after },
  });
  const refetch = useCoalesced(() => {
    refetchFailures({ requestPolicy: 'network-only' });
    refetchLetters({ requestPolicy: 'network-only' });
  });
  useRefetchOnReconnect(refetch);
  useSyncStatusFeed({}, (s) => {
    const listed = failures.data?.syncFailures.some((f) => f.entityId === s.entityId && f.provider === s.provider);
    if (s.state === 'FAILED' || listed) refetch();
  });

  const [, retry] = useMutation(RETRY_SYNC);
  const [, replay] = useMutation(REPLAY_DEAD_LETTER);
  const { busy, problem, run } = useAction<string>();
  const act = async (key: string, operation: () => Promise<Answer>) => {
    await run(key, operation);
    refetch();
  };

  const setFilter = (next: { provider?: string | null; replayed?: string | null }) =>
    navigate(href(paths.failures, { provider, replayed: includeReplayed ? '1' : null, ...next }));

  const failed = failures.data?.syncFailures ?? [];
  const deadPage = letters.data?.deadLetters;
  return (
    <>
      <PageHeader title="Failures" sub="Changes that did not reach a provider, and what to do about them." />
      <div className="toolbar">
        <FilterSelect
          id="failure-provider"
          label="Provider"
          all="All providers"
          value={provider}
          options={PROVIDERS}
          labelOf={(p) => PROVIDER_NAMES[p]}
          onChange={(next) => setFilter({ provider: next })}
        />
      </div>
      {problem && <ProblemNotice problem={problem} />}

      <section className="card" aria-labelledby="failed-heading">
        <h2 id="failed-heading">
          Failed syncs <span className="count">{failed.length}</span>
        </h2>
        {failures.error && <ProblemNotice problem={problemOf(failures.error)} />}
        {failures.data && failed.length === 0 && <p className="muted">Nothing is failing. </p>}
        {failed.length > 0 && (
          <Table columns={FAILURE_COLUMNS} testId="failures-table">
            {failed.map((f) => {
              const key = `${f.entityId}/${f.provider}`;
              return (
                <tr key={key} data-testid="failure-row" data-entity-id={f.entityId} data-provider={f.provider}>
                  <th scope="row">
                    <RecordLink entityType={f.entityType} entityId={f.entityId} />
                  </th>
                  <td>{PROVIDER_NAMES[f.provider]}</td>
                  <td className="numeric">{f.attempts}</td>
                  <td className="error-text small details-cell">{f.lastError ?? '—'}</td>
                  <td>
                    <Time iso={f.updatedAt} />
                  </td>
                  <td className="actions-cell">
                    <button
                      type="button"
                      className="button button--primary"
                      disabled={busy !== null}
                      aria-label={`Retry ${ENTITY_NAMES[f.entityType].toLowerCase()} ${shortId(f.entityId)} at ${PROVIDER_NAMES[f.provider]}`}
                      onClick={() =>
                        void act(key, () =>
                          retry({ entityType: f.entityType, entityId: f.entityId, provider: f.provider }),
                        )
                      }
                    >
                      {busy === key ? 'Queuing…' : 'Retry'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </Table>
        )}
      </section>

      <section className="card" aria-labelledby="dead-heading">
        <div className="card__head">
          <h2 id="dead-heading">Dead letters {deadPage && <span className="count">{deadPage.totalCount}</span>}</h2>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeReplayed}
              onChange={(e) => setFilter({ replayed: e.target.checked ? '1' : null })}
            />
            Show replayed
          </label>
        </div>
        <p className="muted small">
          Sync events the workers gave up on after their last attempt. Replay sends one again; if it fails again, a new
          dead letter says why.
        </p>
        {letters.error && <ProblemNotice problem={problemOf(letters.error)} />}
        {deadPage && deadPage.edges.length === 0 && <p className="muted">No dead letters.</p>}
        {deadPage && deadPage.edges.length > 0 && (
          <>
            <Table columns={DEAD_LETTER_COLUMNS} testId="dead-letters-table">
              {deadPage.edges.map(({ node: d }) => (
                <tr
                  key={d.id}
                  data-testid="dead-letter-row"
                  data-id={d.id}
                  data-entity-id={d.entityId ?? ''}
                  data-replayed={d.replayedAt ? 'true' : 'false'}
                >
                  <td>
                    <Time iso={d.createdAt} />
                  </td>
                  <th scope="row">
                    <RecordLink entityType={d.entityType} entityId={d.entityId} />
                    {d.externalId && (
                      <div className="muted small">
                        <code>{d.externalId}</code>
                      </div>
                    )}
                  </th>
                  <td>{PROVIDER_NAMES[d.provider]}</td>
                  <td>{d.direction === 'OUTBOUND' ? 'Out' : 'In'}</td>
                  <td className="numeric">{d.attempts}</td>
                  <td className="error-text small details-cell">{d.error}</td>
                  <td className="actions-cell">
                    {d.replayedAt ? (
                      <span className="muted small">
                        replayed <Time iso={d.replayedAt} />
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button button--primary"
                        disabled={busy !== null}
                        aria-label={`Replay dead letter of ${ENTITY_NAMES[d.entityType].toLowerCase()} ${d.entityId ? shortId(d.entityId) : (d.externalId ?? '')} at ${PROVIDER_NAMES[d.provider]}`}
                        onClick={() => void act(d.id, () => replay({ id: d.id }))}
                      >
                        {busy === d.id ? 'Replaying…' : 'Replay'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
            <Pager label="Dead letter pages" page={deadPage} paging={paging} />
          </>
        )}
      </section>
    </>
  );
}
