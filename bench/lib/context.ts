import type { Deadline } from './deadline.js';
import type { Knobs } from './knobs.js';
import type { Stack } from './stack.js';
import type { Row } from './table.js';

export interface StageContext {
  stack: Stack;
  knobs: Knobs;
  deadline: Deadline;
  /** A progress line (stderr). */
  say(line: string): void;
  /** Lines printed under the table: what a figure is made of, the top SQL statements, the calls made. */
  notes: string[];
}

export type Stage = (ctx: StageContext) => Promise<Row[]>;

/** One number from a single-row, single-column query of the probe connection. */
export async function scalar(ctx: StageContext, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await ctx.stack.probe.query<{ n: string | number | null }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Customers (live) whose sync state at `provider` is SYNCED at their current version. */
export const SYNCED_CUSTOMERS = `select count(*) as n from sync_state s join customer c on c.id = s.entity_id
  where s.entity_type = 'CUSTOMER' and s.provider = $1 and s.state = 'SYNCED' and s.target_version = c.version
    and c.deleted_at is null`;
