// SQL statements per unit of work, from pg_stat_statements: each of our processes connects as its own role
// (bench_api, bench_relay, bench_worker), the peer as bench_peer and the bench's own probes as bench_probe, so
// one reset before a stage and one read after it say who ran what.
import type pg from 'pg';

export interface Statement {
  query: string;
  calls: number;
}

export interface RoleStatements {
  calls: number;
  /** Calls that are not transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE). */
  work: number;
  /** Most called first. */
  top: Statement[];
}

const TX_CONTROL = /^\s*(begin|start transaction|commit|rollback|savepoint|release)\b/i;

export async function resetStatements(db: pg.Pool): Promise<void> {
  await db.query('select pg_stat_statements_reset()');
}

/** Calls per role (rolname) in `database` since the last reset. */
export async function statementsByRole(db: pg.Pool, database: string): Promise<Map<string, RoleStatements>> {
  const { rows } = await db.query<{ role: string; query: string; calls: string }>(
    `select r.rolname as role, s.query, s.calls::text as calls
       from pg_stat_statements s
       join pg_roles r on r.oid = s.userid
       join pg_database d on d.oid = s.dbid
      where d.datname = $1`,
    [database],
  );
  const byRole = new Map<string, RoleStatements>();
  for (const row of rows) {
    const calls = Number(row.calls);
    const entry = byRole.get(row.role) ?? { calls: 0, work: 0, top: [] };
    entry.calls += calls;
    if (!TX_CONTROL.test(row.query)) entry.work += calls;
    entry.top.push({ query: row.query.replace(/\s+/g, ' ').trim(), calls });
    byRole.set(row.role, entry);
  }
  for (const entry of byRole.values()) entry.top.sort((a, b) => b.calls - a.calls);
  return byRole;
}

export const EMPTY: RoleStatements = { calls: 0, work: 0, top: [] };

/**
 * The `n` most called statements other than transaction control, as Markdown list lines, per `unit` (e.g. per
 * event), queries shortened; then the transaction control calls per unit on one line.
 */
export function topLines(stats: RoleStatements, units: number, unit: string, n = 5): string[] {
  const per = (calls: number) => (calls / units).toFixed(2);
  return [
    ...stats.top
      .filter((s) => !TX_CONTROL.test(s.query))
      .slice(0, n)
      .map((s) => `  - ${per(s.calls)} per ${unit}: \`${s.query.slice(0, 160).replace(/`/g, "'")}\``),
    `  - and ${per(stats.calls - stats.work)} BEGIN/COMMIT/SAVEPOINT/RELEASE/ROLLBACK per ${unit}`,
  ];
}
