import { useState } from 'react';
import { useQuery } from 'urql';
import { CUSTOMER_PICK } from '../api/documents';

interface Pick {
  id: string;
  name: string;
  email: string;
}

/** Chooses an invoice's customer: a search box narrowing a list of matching customers (20 at a time). */
export function CustomerPicker({
  id,
  value,
  selected,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  value: string;
  /** The current customer, shown even when the search does not find it. */
  selected: Pick | null;
  onChange(id: string): void;
  invalid: boolean;
  describedBy: string | undefined;
}) {
  const [search, setSearch] = useState('');
  const [result] = useQuery<{ customers: { totalCount: number; edges: Array<{ node: Pick }> } }>({
    query: CUSTOMER_PICK,
    variables: { search: search.trim() || null },
  });
  const found = result.data?.customers.edges.map((e) => e.node) ?? [];
  const options = selected && !found.some((c) => c.id === selected.id) ? [selected, ...found] : found;
  const more = (result.data?.customers.totalCount ?? 0) - found.length;
  return (
    <div className="picker">
      <input
        type="search"
        aria-label="Find a customer by name or email"
        placeholder="Find by name or email"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <select
        id={id}
        name="customerId"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid}
        aria-describedby={describedBy}
      >
        <option value="">Choose a customer…</option>
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} — {c.email}
          </option>
        ))}
      </select>
      {more > 0 && <p className="field__hint">{more} more match; narrow the search.</p>}
    </div>
  );
}
