import { useEffect } from 'react';
import { useQuery } from 'urql';
import { IMPORT_JOB } from '../api/documents';
import { problemOf } from '../api/errors';
import { ENTITY_NAMES, PROVIDER_NAMES, type ImportJob } from '../api/types';
import { ProblemNotice } from './Notice';
import { Time } from './Time';

const POLL_MS = 500;

const SEGMENTS = [
  ['created', 'Created'],
  ['linked', 'Linked'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['skipped', 'Skipped'],
] as const;

/**
 * One import job, polled every half second while it runs. An import does not know up front how many records the
 * provider holds, so the bar shows what has been looked at so far, split by outcome, and fills when it is done.
 */
export function ImportProgress({ initial }: { initial: ImportJob }) {
  const [result, reexecute] = useQuery<{ importJob: ImportJob }>({
    query: IMPORT_JOB,
    variables: { id: initial.id },
    requestPolicy: 'network-only',
  });
  const job = result.data?.importJob ?? initial;
  const running = job.status === 'RUNNING';
  useEffect(() => {
    if (!running || result.fetching) return;
    const timer = setTimeout(() => reexecute({ requestPolicy: 'network-only' }), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, result.fetching, result.data, reexecute]);

  const title = `${ENTITY_NAMES[job.entityType]}s from ${PROVIDER_NAMES[job.provider]}`;
  const summary = SEGMENTS.map(([k, label]) => `${job[k]} ${label.toLowerCase()}`).join(', ');
  return (
    <div className="import" data-testid="import-job" data-status={job.status} data-provider={job.provider}>
      <div className="import__head">
        <strong>{title}</strong>
        <span className={`pill pill--${running ? 'info' : job.status === 'COMPLETED' ? 'good' : 'bad'}`}>
          {job.status.toLowerCase()}
        </span>
        <span className="muted small">
          started <Time iso={job.startedAt} />
          {job.finishedAt && (
            <>
              , finished <Time iso={job.finishedAt} />
            </>
          )}
        </span>
      </div>
      <div
        className={`progress${running ? ' progress--running' : ''}${job.status === 'FAILED' ? ' progress--failed' : ''}`}
        role="progressbar"
        aria-label={`Import of ${title.toLowerCase()}`}
        aria-valuemin={0}
        aria-valuemax={job.processed || 1}
        aria-valuenow={running ? undefined : job.processed || 1}
        aria-valuetext={`${job.status.toLowerCase()}: ${job.processed} processed (${summary})`}
        data-testid="import-progress"
        data-status={job.status}
      >
        {job.processed > 0 &&
          SEGMENTS.map(([k]) =>
            job[k] > 0 ? (
              <span
                key={k}
                className={`progress__segment progress__segment--${k}`}
                style={{ width: `${(100 * job[k]) / job.processed}%` }}
              />
            ) : null,
          )}
      </div>
      <ul className="legend" aria-label="Counts">
        <li>
          <strong data-testid="import-processed">{job.processed}</strong> processed
        </li>
        {SEGMENTS.map(([k, label]) => (
          <li key={k}>
            <span className={`legend__swatch progress__segment--${k}`} aria-hidden="true" />
            {job[k]} {label.toLowerCase()}
          </li>
        ))}
      </ul>
      {job.error && <p className="error-text">{job.error}</p>}
      {result.error && <ProblemNotice problem={problemOf(result.error)} />}
    </div>
  );
}
