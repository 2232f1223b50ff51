import { PROVIDER_NAMES, type SyncStatus } from '../api/types';

const DESCRIPTIONS: Record<SyncStatus['state'], string> = {
  PENDING: 'changed; not yet picked up',
  SYNCING: 'being written',
  SYNCED: 'has the latest version',
  FAILED: 'writing failed',
};

function describe(s: SyncStatus): string {
  const parts = [`${PROVIDER_NAMES[s.provider]}: ${s.state.toLowerCase()} (${DESCRIPTIONS[s.state]})`];
  if (s.waitingFor) parts.push(`waiting for its ${s.waitingFor.entityType.toLowerCase()} to reach the provider`);
  if (s.attempts > 0) parts.push(`${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`);
  if (s.lastError) parts.push(s.lastError);
  return parts.join(' — ');
}

/** One provider's sync state of one record, e.g. "Stripe SYNCED" (`compact`: the state only, in a provider's row). */
export function SyncBadge({ status, compact = false }: { status: SyncStatus; compact?: boolean }) {
  return (
    <span
      className={`badge badge--${status.state.toLowerCase()}`}
      data-testid="sync-badge"
      data-provider={status.provider}
      data-state={status.state}
      title={describe(status)}
    >
      {compact ? (
        <span className="visually-hidden">{PROVIDER_NAMES[status.provider]} </span>
      ) : (
        <span className="badge__provider">{PROVIDER_NAMES[status.provider]}</span>
      )}
      <span className="badge__state">{status.state}</span>
    </span>
  );
}

export function SyncBadges({ statuses }: { statuses: readonly SyncStatus[] }) {
  if (statuses.length === 0) return <span className="muted">no provider</span>;
  const sorted = [...statuses].sort((a, b) => a.provider.localeCompare(b.provider));
  return (
    <span className="badges">
      {sorted.map((s) => (
        <SyncBadge key={s.provider} status={s} />
      ))}
    </span>
  );
}
