import { useMutation } from 'urql';
import { RETRY_SYNC } from '../api/documents';
import { PROVIDER_NAMES, type EntityType, type ExternalMapping, type Provider, type SyncStatus } from '../api/types';
import { useAction } from '../api/useAction';
import { href, recordPath } from '../routes';
import { ProblemNotice } from './Notice';
import { SyncBadge } from './SyncBadge';
import { ACTIONS, Table, type Column } from './Table';
import { Time } from './Time';

/** The provider's id of the record, linked to its page in the provider's dashboard when the server knows one. */
export function ExternalId({ mapping, fallback }: { mapping: ExternalMapping | undefined; fallback: string | null }) {
  const id = mapping?.externalId ?? fallback;
  if (!id) return <span className="muted">not linked yet</span>;
  if (!mapping?.url) return <code>{id}</code>;
  return (
    <a href={mapping.url} target="_blank" rel="noreferrer noopener" className="external-link">
      <code>{id}</code>
      <span className="visually-hidden"> (opens the provider's dashboard)</span>
      <span aria-hidden="true"> ↗</span>
    </a>
  );
}

const COLUMNS: Column[] = [
  'Provider',
  'State',
  'External id',
  { label: 'Attempts', numeric: true },
  'Last synced',
  'Details',
  ACTIONS,
];

/**
 * A record's standing at each provider: state, its id there (dashboard link), attempts, last sync, the last error
 * or what it waits for, and a Retry button (retrySync) per provider.
 */
export function SyncPanel({
  entityType,
  record,
  statuses,
  onRetried,
}: {
  entityType: EntityType;
  record: { id: string; externalMappings: readonly ExternalMapping[] };
  statuses: readonly SyncStatus[];
  onRetried(status: SyncStatus): void;
}) {
  const { id: entityId, externalMappings: mappings } = record;
  const [retry, runRetry] = useMutation<{ retrySync: SyncStatus }>(RETRY_SYNC);
  const { busy, problem, run } = useAction<Provider>();

  const doRetry = async (provider: Provider) => {
    const res = await run(provider, () => runRetry({ entityType, entityId, provider }));
    if (!res.error && res.data) onRetried(res.data.retrySync);
  };

  const providers = [...new Set([...statuses.map((s) => s.provider), ...mappings.map((m) => m.provider)])].sort();
  return (
    <section className="card" aria-labelledby="sync-heading">
      <h2 id="sync-heading">Sync</h2>
      {problem && <ProblemNotice problem={problem} />}
      {providers.length === 0 ? (
        <p className="muted">No provider is enabled on this server.</p>
      ) : (
        <Table columns={COLUMNS} testId="sync-panel">
          {providers.map((provider) => {
            const s = statuses.find((x) => x.provider === provider);
            const m = mappings.find((x) => x.provider === provider);
            return (
              <tr key={provider} data-testid={`sync-row-${provider}`}>
                <th scope="row">{PROVIDER_NAMES[provider]}</th>
                <td>{s ? <SyncBadge status={s} compact /> : <span className="muted">not synced</span>}</td>
                <td data-testid={`external-id-${provider}`}>
                  <ExternalId mapping={m} fallback={s?.externalId ?? null} />
                  {m?.lastSyncedVersion != null && <span className="muted small"> · v{m.lastSyncedVersion}</span>}
                </td>
                <td className="numeric">{s?.attempts ?? 0}</td>
                <td>
                  <Time iso={s?.lastSyncedAt} />
                </td>
                <td className="details-cell">
                  {s?.waitingFor && (
                    <p className="small">
                      Waiting for its{' '}
                      <a href={href(recordPath(s.waitingFor.entityType, s.waitingFor.entityId))}>
                        {s.waitingFor.entityType.toLowerCase()}
                      </a>{' '}
                      to reach {PROVIDER_NAMES[provider]}.
                    </p>
                  )}
                  {s?.lastError && (
                    <p className="error-text small" data-testid={`last-error-${provider}`}>
                      {s.lastError}
                    </p>
                  )}
                  {!s?.waitingFor && !s?.lastError && <span className="muted">—</span>}
                </td>
                <td className="actions-cell">
                  <button
                    type="button"
                    className={`button ${s?.state === 'FAILED' ? 'button--primary' : 'button--quiet'}`}
                    onClick={() => void doRetry(provider)}
                    disabled={busy !== null || retry.fetching}
                    aria-label={`Retry ${PROVIDER_NAMES[provider]} sync`}
                    data-testid={`retry-${provider}`}
                  >
                    {busy === provider ? 'Queuing…' : 'Retry'}
                  </button>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </section>
  );
}
