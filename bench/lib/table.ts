// The result table: one row per stage, ours next to its baseline measured in the same run, and the figure that is
// held against the goal. Pure, so the formatting is unit-tested (tests/unit/bench-table.test.ts).

export interface Goal {
  op: '>=' | '<=' | '<';
  value: number;
  /** How the goal reads in the table, when not `op value` (e.g. "≥ 10,000"). */
  text?: string;
}

export interface Row {
  stage: string;
  ours: string;
  baseline: string;
  /** The figure held against the goal: ours ÷ baseline where there is a baseline, else ours itself. */
  value?: number | undefined;
  goal?: Goal | undefined;
  /** Shown in the ratio column instead of `value` (e.g. a row that did not run). */
  valueText?: string;
}

const SYMBOL: Record<Goal['op'], string> = { '>=': '≥', '<=': '≤', '<': '<' };

export function meets(value: number, goal: Goal): boolean {
  if (!Number.isFinite(value)) return false;
  if (goal.op === '>=') return value >= goal.value;
  if (goal.op === '<=') return value <= goal.value;
  return value < goal.value;
}

export function goalText(goal: Goal | undefined): string {
  if (!goal) return '—';
  return goal.text ?? `${SYMBOL[goal.op]} ${num(goal.value)}`;
}

export function metText(row: Row): string {
  if (!row.goal || row.value === undefined) return '—';
  return meets(row.value, row.goal) ? '✓' : '✗';
}

/** A number for people: 3 significant digits below 100, whole numbers with thousands separators above. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs === 0) return '0';
  if (abs >= 10) return n.toFixed(1).replace(/\.0$/, '');
  if (abs >= 0.01) return n.toFixed(2).replace(/\.?0+$/, '');
  return n.toPrecision(2);
}

/** ours ÷ baseline, or NaN when there is no baseline figure. */
export function ratio(ours: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(ours) ? ours / baseline : NaN;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The table as GitHub Markdown. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['stage', 'ours', 'baseline', 'ratio', 'goal', 'met'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const value = row.valueText ?? (row.value === undefined ? '—' : num(row.value));
    lines.push(
      `| ${[row.stage, row.ours, row.baseline, value, goalText(row.goal), metText(row)].map(cell).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** A row for a stage that could not be measured (deadline, failure): why, and no verdict. */
export function notRun(stage: string, why: string, goal?: Goal): Row {
  return { stage, ours: `not measured: ${why}`, baseline: '—', valueText: '—', goal };
}
