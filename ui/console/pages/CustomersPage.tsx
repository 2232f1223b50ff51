import { useEffect, useState, type FormEvent } from 'react';
import { PageHeader, useDocumentTitle } from '../components/Layout';
import { pageSizeOf } from '../components/Pager';
import type { Column } from '../components/Table';
import { Time } from '../components/Time';
import { href, navigate, paths } from '../routes';
import { ListView } from './ListView';
import { useListPage } from './useListPage';

const COLUMNS: Column[] = ['Name', 'Email', { label: 'Version', numeric: true }, 'Updated'];

/** Customers, oldest first, with search and paging; each row's sync badges follow syncStatusChanged live. */
export function CustomersPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle('Customers');
  const search = query.get('q') ?? '';
  const size = pageSizeOf(query);
  const [draft, setDraft] = useState(search);
  useEffect(() => setDraft(search), [search]);
  const list = useListPage('CUSTOMER', { search: search || null }, size);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(href(paths.customers, { q: draft.trim(), size: query.get('size') }));
  };

  const { page } = list;
  return (
    <>
      <PageHeader
        title="Customers"
        sub={page ? `${page.totalCount} customer${page.totalCount === 1 ? '' : 's'}${search ? ' found' : ''}` : ' '}
        actions={
          <a className="button button--primary" href={href(paths.newCustomer)}>
            New customer
          </a>
        }
      />
      <form className="toolbar" role="search" onSubmit={submit}>
        <label htmlFor="customer-search">Search customers</label>
        <input
          id="customer-search"
          type="search"
          placeholder="Name or email"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
        {search && (
          <a className="button button--quiet" href={href(paths.customers)}>
            Clear
          </a>
        )}
      </form>
      <ListView
        entityType="CUSTOMER"
        list={list}
        columns={COLUMNS}
        empty={
          search ? (
            <p>No customer matches “{search}”.</p>
          ) : (
            <p>
              No customers yet. <a href={href(paths.newCustomer)}>Create one</a> or{' '}
              <a href={href(paths.providers)}>import them from a provider</a>.
            </p>
          )
        }
        pageSize={size}
        onPageSize={(n) => navigate(href(paths.customers, { q: search, size: String(n) }))}
      >
        {(node) => (
          <>
            <th scope="row">
              <a href={href(paths.customer(node.id))}>{node.name}</a>
            </th>
            <td>{node.email}</td>
            <td className="numeric">{node.version}</td>
            <td>
              <Time iso={node.updatedAt} />
            </td>
          </>
        )}
      </ListView>
    </>
  );
}
