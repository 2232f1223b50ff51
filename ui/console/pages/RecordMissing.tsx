import type { CombinedError } from 'urql';
import { problemOf } from '../api/errors';
import { ENTITY_NAMES, type EntityType } from '../api/types';
import { PageHeader } from '../components/Layout';
import { Notice, ProblemNotice } from '../components/Notice';
import { href, paths } from '../routes';

const LISTS: Record<EntityType, string> = { CUSTOMER: paths.customers, INVOICE: paths.invoices };

/** A record's page while it has no record to show: loading it, or why it could not be read (gone, or a problem). */
export function RecordMissing({
  entityType,
  id,
  error,
}: {
  entityType: EntityType;
  id: string;
  error: CombinedError | undefined;
}) {
  const name = ENTITY_NAMES[entityType];
  const noun = name.toLowerCase();
  if (!error) return <p className="muted">{`Loading ${noun}…`}</p>;
  const p = problemOf(error);
  return (
    <>
      <PageHeader title={name} />
      {p.code === 'NOT_FOUND' ? (
        <Notice kind="warning" title={`${name} not found`} testId="not-found">
          <p>
            {`There is no ${noun} `}
            <code>{id}</code>, or it has been deleted. <a href={href(LISTS[entityType])}>{`Back to ${noun}s`}</a>
          </p>
        </Notice>
      ) : (
        <ProblemNotice problem={p} />
      )}
    </>
  );
}
