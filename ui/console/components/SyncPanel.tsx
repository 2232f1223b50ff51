import { useState } from 'react';
import { useMutation } from 'urql';
import { RETRY_SYNC } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import { PROVIDER_NAMES, type EntityType, type ExternalMapping, type Provider, type SyncStatus } from '../api/types';
import { href, recordPath } from '../routes';
import { ProblemNotice } from './Notice';
import { SyncBadge } from './SyncBadge';
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

/**
 * A record's standing at each provider: state, its id there (dashboard link), attempts, last sync, the last error
 * or what it waits for, and a Retry button (retrySync) per provider.
 */
export function SyncPanel({
  entityType,
  entityId,
  statuses,
  mappings,
  onRetried,
}: {
  entityType: EntityType;
  entityId: string;
  statuses: readonly SyncStatus[];
  mappings: readonly ExternalMapping[];
  onRetried(status: SyncStatus): void;
}) {
  const [retry, runRetry] = useMutation<{ retrySync: SyncStatus }>(RETRY_SYNC);
  const [busy, setBusy] = useState<Provider | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const doRetry = async (provider: Provider) => {
    setBusy(provider);
    setProblem(null);
    const res = await runRetry({ entityType, entityId, provider });
    setBusy(null);
    if (res.error) setProblem(problemOf(res.error));
    else if (res.data) onRetried(res.data.retrySync);
  };

  const providers = [...new Set([...statuses.map((s) => s.provider), ...mappings.map((m) => m.provider)])].sort();
  return (
    <section className="card" aria-labelledby="sync-heading">
      <h2 id="sync-heading">Sync</h2>
      {problem && <ProblemNotice problem={problem} />}
      {providers.length === 0 ? (
        <p className="muted">No provider is enabled on this server.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="sync-panel">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">State</th>
                <th scope="col">External id</th>
                <th scope="col" className="numeric">
                  Attempts
                </th>
                <th scope="col">Last synced</th>
                <th scope="col">Details</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
