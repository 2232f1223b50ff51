import type { ReactNode } from 'react';

/** A column heading: its text, or the text with how it is shown (right-aligned numbers, or for screen readers only). */
export type Column = string | { label: string; numeric?: boolean; hidden?: boolean };

/** The heading of a column of row buttons: named for screen readers, blank on screen. */
export const ACTIONS: Column = { label: 'Actions', hidden: true };

const PLAIN = { numeric: false, hidden: false };

/** A table in its scrolling wrapper, under one row of column headings; `children` are its body rows. */
export function Table({
  columns,
  testId,
  compact = false,
  children,
}: {
  columns: readonly Column[];
  testId?: string;
  compact?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={compact ? 'table table--compact' : 'table'} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => {
              const { label, numeric, hidden } = typeof column === 'string' ? { ...PLAIN, label: column } : column;
              return (
                <th key={label} scope="col" className={numeric ? 'numeric' : undefined}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
