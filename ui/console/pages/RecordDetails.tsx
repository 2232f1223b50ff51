import type { ReactNode } from 'react';
import { Time } from '../components/Time';

/**
 * A record's Details card: the fields its page lists (`children`, <dt>/<dd> pairs), then what every record has:
 * version, when it was created and updated, and its id.
 */
export function RecordDetails({
  record,
  children,
}: {
  record: { id: string; version: number; createdAt: string; updatedAt: string };
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Details</h2>
      <dl className="details">
        {children}
        <dt>Version</dt>
        <dd>{record.version}</dd>
        <dt>Created</dt>
        <dd>
          <Time iso={record.createdAt} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time iso={record.updatedAt} />
        </dd>
        <dt>Id</dt>
        <dd>
          <code>{record.id}</code>
        </dd>
      </dl>
    </section>
  );
}
