import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { IMPORT_FROM_PROVIDER, PROVIDERS } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import { ENTITY_NAMES, PROVIDER_NAMES, type EntityType, type ImportJob, type ProviderStatus } from '../api/types';
import { ImportProgress } from '../components/ImportProgress';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { ProblemNotice } from '../components/Notice';

const REFRESH_MS = 5_000;
const ENTITY_TYPES: EntityType[] = ['CUSTOMER', 'INVOICE'];
const JOBS_KEY = 'catalog-sync.importJobs';

function Flag({ on, yes, no, testId }: { on: boolean; yes: string; no: string; testId: string }) {
  return (
    <span className={`flag flag--${on ? 'on' : 'off'}`} data-testid={testId} data-value={on}>
      <span aria-hidden="true">{on ? '✓' : '✕'}</span> {on ? yes : no}
    </span>
  );
}

function loadJobs(): ImportJob[] {
  try {
    return JSON.parse(sessionStorage.getItem(JOBS_KEY) ?? '[]') as ImportJob[];
  } catch {
    return [];
  }
}

/** The providers' health (enabled, credentials, webhook, API usage), and imports with a live progress bar. */
export function ProvidersPage() {
  useDocumentTitle('Providers');
  const [result, reexecute] = useQuery<{ providers: ProviderStatus[] }>({ query: PROVIDERS });
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reexecute({ requestPolicy: 'network-only' });
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reexecute]);

  // Jobs started from this tab, newest first (the API reads a job by id only), kept across pages of the console.
  const [jobs, setJobs] = useState<ImportJob[]>(loadJobs);
  const [starting, start] = useMutation<{ importFromProvider: ImportJob }>(IMPORT_FROM_PROVIDER);
  const [problem, setProblem] = useState<Problem | null>(null);
  const runImport = async (provider: ProviderStatus['provider'], entityType: EntityType) => {
    setProblem(null);
    const res = await start({ provider, entityType });
    if (res.error) return setProblem(problemOf(res.error));
    if (!res.data) return;
    const next = [res.data.importFromProvider, ...jobs].slice(0, 10);
    setJobs(next);
    try {
      sessionStorage.setItem(JOBS_KEY, JSON.stringify(next));
    } catch {
      // storage disabled: the list lasts while the page is open
    }
  };

  const providers = result.data?.providers ?? [];
  return (
    <>
      <PageHeader
        title="Providers"
        sub="How this server is set up for each provider; refreshed every few seconds."
        actions={
          <button type="button" className="button" onClick={() => reexecute({ requestPolicy: 'network-only' })}>
            Refresh
          </button>
        }
      />
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
      {problem && <ProblemNotice problem={problem} />}
      <div className="provider-grid">
        {providers.map((p) => {
          const usage = p.apiUsage;
          const pct = usage && usage.limit > 0 ? Math.round((100 * usage.used) / usage.limit) : null;
          return (
            <section
              key={p.provider}
              className="card provider"
              aria-labelledby={`provider-${p.provider}`}
              data-testid="provider-card"
              data-provider={p.provider}
            >
              <h2 id={`provider-${p.provider}`}>{PROVIDER_NAMES[p.provider]}</h2>
              <ul className="flags">
                <li>
                  <Flag on={p.enabled} yes="Enabled" no="Not enabled" testId="provider-enabled" />
                </li>
                <li>
                  <Flag on={p.configured} yes="Configured" no="No credentials" testId="provider-configured" />
                </li>
                <li>
                  <Flag on={p.webhook} yes="Webhook accepts events" no="No webhook" testId="provider-webhook" />
                </li>
              </ul>
              <div className="usage">
                <h3>API usage today</h3>
                {usage ? (
                  <>
                    <meter
                      min={0}
                      max={usage.limit}
                      value={usage.used}
                      low={usage.limit * 0.7}
                      high={usage.limit * 0.9}
                      optimum={0}
                      aria-label={`${PROVIDER_NAMES[p.provider]} API usage`}
                    />
                    <p className="small" data-testid="provider-usage">
                      {usage.used.toLocaleString()} of {usage.limit.toLocaleString()} requests
                      {pct !== null && ` (${pct}%)`}
                    </p>
                  </>
                ) : (
                  <p className="muted small" data-testid="provider-usage">
                    Not reported ({PROVIDER_NAMES[p.provider]} reports no daily allocation, or this process has made no
                    call yet).
                  </p>
                )}
                {p.rateLimitPerSecond !== null && (
                  <p className="small" data-testid="provider-rate-limit">
                    Rate limit for this process: {formatRate(p.rateLimitPerSecond)} requests/s (the account&apos;s limit
                    shared by the worker processes)
                  </p>
                )}
              </div>
              <div className="import-actions">
                {ENTITY_TYPES.map((t) => (
                  <button
                    key={t}
                    type="button"
                    className="button"
                    disabled={!p.configured || starting.fetching}
                    onClick={() => void runImport(p.provider, t)}
                  >
                    Import {ENTITY_NAMES[t].toLowerCase()}s from {PROVIDER_NAMES[p.provider]}
                  </button>
                ))}
              </div>
            </section>
          );
        })}
        {result.data && providers.length === 0 && <p className="muted">This server syncs with no provider.</p>}
      </div>
      <section className="card" aria-labelledby="imports-heading">
        <h2 id="imports-heading">Imports</h2>
        {jobs.length === 0 ? (
          <p className="muted">
            No import started from this tab. An import reads every record of a provider, links those it can (by our id,
            or by natural key) and creates the rest.
          </p>
        ) : (
          jobs.map((job) => <ImportProgress key={job.id} initial={job} />)
        )}
      </section>
    </>
  );
}

/** Whole numbers as they are, shares of a limit with one decimal (12.5). */
function formatRate(perSecond: number): string {
  return Number.isInteger(perSecond) ? String(perSecond) : perSecond.toFixed(1);
}
