import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Violation } from './checker.js';
import { replayCommand } from './config.js';
import { describeContact, describeLocal, describeStripe, nodeKind, nodeRef, opNode, type NodeId } from './lineage.js';
import type { OpRecord, SeedRun, Snapshot } from './run-context.js';
import { requestsSince, type LogEntry } from './world.js';

export function formatOp(op: OpRecord): string {
  const time = `+${(op.startedAt / 1000).toFixed(3)}s`;
  const took = op.endedAt !== undefined ? ` (${op.endedAt - op.startedAt}ms)` : ' (no answer)';
  const outcome = op.ok === undefined ? '…' : op.ok ? `ok ${op.result ?? ''}` : `FAILED ${op.result ?? ''}`;
  const target = op.target ? ` ${op.target}` : '';
  return `#${String(op.n).padStart(3)} ${time.padStart(9)} ${op.phase.padEnd(6)} ${`${op.actor}.${op.kind}`.padEnd(17)}${target} ${op.input} → ${outcome}${took}`;
}

/** What one record looks like now on its side (or when it was last seen, if it is gone). */
function describeNode(run: SeedRun, snap: Snapshot | undefined, node: NodeId): string {
  const kind = nodeKind(node);
  const ref = nodeRef(node);
  if (kind === 'op') return `op     #${ref} (a create whose record is unknown)`;
  if (kind === 'local') {
    const c = snap?.locals.find((l) => l.id === ref);
    return c ? describeLocal(c) : `local  ${ref} (not found)`;
  }
  if (kind === 'stripe') {
    const c = snap?.stripe.find((s) => s.id === ref);
    return c ? describeStripe(c) : `stripe ${ref} DELETED, last seen: ${run.lineage.lastSeen.get(node) ?? 'never'}`;
  }
  const c = snap?.contacts.find((s) => s.id === ref);
  return c ? describeContact(c) : `sf     ${ref} DELETED, last seen: ${run.lineage.lastSeen.get(node) ?? 'never'}`;
}

/** Ops that touched any record of this lineage (by target, or by a value that lineage holds). */
function opsOf(run: SeedRun, component: Set<NodeId>): OpRecord[] {
  return run.ops.filter((op) => (op.target && component.has(op.target)) || component.has(opNode(op.n)));
}

/**
 * The failure message: seed and replay command, each violation with the three sides' records of that customer
 * and the operations that touched it, then the whole op log. Also written to a file, for long runs.
 */
export function failureReport(
  run: SeedRun,
  phase: string,
  violations: Violation[],
  snap: Snapshot | undefined,
  extra: string[] = [],
  failed = true,
): string {
  const lines: string[] = [
    `convergence ${failed ? 'FAILED' : 'report'} for seed ${run.seed} in phase "${phase}" after ${(run.elapsed() / 1000).toFixed(1)} s`,
    `replay: ${replayCommand(run.seed, run.cfg)}`,
    '',
    ...extra,
  ];
  if (violations.length > 0) lines.push(`${violations.length} violation(s):`);
  const shown = new Set<NodeId>();
  for (const v of violations) {
    lines.push(`  [${v.rule}] ${v.message}`);
    const roots = new Set(v.nodes.map((n) => run.lineage.find(n)));
    const component = new Set(run.lineage.nodes().filter((n) => roots.has(run.lineage.find(n))));
    for (const n of v.nodes) component.add(n);
    const key = [...roots].sort().join('|');
    if (shown.has(key)) {
      lines.push('      (same customer as above)');
      continue;
    }
    shown.add(key);
    lines.push('      records of this customer on the three sides:');
    for (const n of [...component].sort()) lines.push(`        ${describeNode(run, snap, n)}`);
    const ops = opsOf(run, component);
    lines.push(`      operations on it (${ops.length}):`);
    for (const op of ops) lines.push(`        ${formatOp(op)}`);
  }
  lines.push('', `op log (${run.ops.length} operations, seed ${run.seed}):`);
  for (const op of run.ops) lines.push(`  ${formatOp(op)}`);
  if (snap) {
    lines.push('', `all records of seed ${run.seed} at the check:`);
    for (const c of snap.locals) lines.push(`  ${describeLocal(c)}`);
    for (const c of snap.stripe) lines.push(`  ${describeStripe(c)}`);
    for (const c of snap.contacts) lines.push(`  ${describeContact(c)}`);
  }
  if (run.startMarkers) {
    try {
      const { stripe, salesforce } = requestsSince(run.world, run.startMarkers);
      lines.push('', `Stripe API requests since the seed started (${stripe.length}, repeats folded):`, ...fold(stripe));
      lines.push(
        '',
        `Salesforce requests since the seed started (${salesforce.length}, repeats folded):`,
        ...fold(salesforce),
      );
    } catch (err) {
      lines.push('', `(request logs unavailable: ${(err as Error).message})`);
    }
  }
  const text = lines.join('\n');
  const file = writeReport(run.seed, text);
  return `${text}\n\n(report also written to ${file})`;
}

/** Consecutive identical requests as one line with a count. */
function fold(entries: LogEntry[]): string[] {
  const out: string[] = [];
  let prev = '';
  let count = 0;
  const flush = () => {
    if (count > 0) out.push(`  ${prev}${count > 1 ? `  x${count}` : ''}`);
  };
  for (const e of entries) {
    const text = `${e.method} ${e.path} → ${e.status === 0 ? 'connection dropped' : e.status}`;
    if (text === prev) count++;
    else {
      flush();
      prev = text;
      count = 1;
    }
  }
  flush();
  return out;
}

function writeReport(seed: number, text: string): string {
  const dir = join(tmpdir(), 'catalog-sync-convergence');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${seed}.txt`);
  writeFileSync(file, `${text}\n`);
  return file;
}
