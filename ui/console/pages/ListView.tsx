import type { ReactNode } from 'react';
import { problemOf } from '../api/errors';
import { ENTITY_NAMES, type EntityType, type SyncStatus } from '../api/types';
import { ProblemNotice } from '../components/Notice';
import { Pager } from '../components/Pager';
import { SyncBadges } from '../components/SyncBadge';
import { Table, type Column } from '../components/Table';
import type { ListPage } from './useListPage';

/**
 * The body of a list page (from useListPage): the problem reading it, "Loading…" until the first page arrives,
 * `empty` when there is nothing to show, else the page's rows and the pager in a flush card. A row is the record's
 * cells (`children` draws them, under `columns`) and last its sync badges, live. Test ids and labels follow the
 * entity: `customers-table`, `customer-row`, "Customer pages".
 */
export function ListView<T extends { id: string; syncStatus: readonly SyncStatus[] }>({
  entityType,
  list,
  columns,
  empty,
  pageSize,
  onPageSize,
  children: cells,
}: {
  entityType: EntityType;
  list: ListPage<T>;
  columns: readonly Column[];
  empty: ReactNode;
  pageSize: number;
  onPageSize(size: number): void;
  children(row: T): ReactNode;
}) {
  const { page } = list;
  const name = ENTITY_NAMES[entityType];
  const noun = name.toLowerCase();
  const plural = `${noun}s`;
  return (
    <>
      {list.error && <ProblemNotice problem={problemOf(list.error)} />}
      {list.loading && <p className="muted">{`Loading ${plural}…`}</p>}
      {page && page.edges.length === 0 && <div className="empty">{empty}</div>}
      {page && page.edges.length > 0 && (
        <div className="card card--flush">
          <Table columns={[...columns, 'Sync']} testId={`${plural}-table`}>
            {page.edges.map(({ node }) => (
              <tr key={node.id} data-testid={`${noun}-row`} data-id={node.id}>
                {cells(node)}
                <td>
                  <SyncBadges statuses={list.statusesOf(node)} />
                </td>
              </tr>
            ))}
          </Table>
          <Pager label={`${name} pages`} page={page} paging={list.paging} pageSize={pageSize} onPageSize={onPageSize} />
        </div>
      )}
    </>
  );
}
