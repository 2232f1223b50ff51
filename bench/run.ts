/**
 * `npm run bench` (builds first, then runs dist/bench/run.js): each stage of catalog-sync measured next to a
 * baseline in the same run, as a Markdown table (stdout and .cache/bench/latest.md). Our app runs as its own
 * processes (api, relay, worker roles), the Stripe and Salesforce emulators as theirs, answering each call after
 * BENCH_LATENCY_MS; PostgreSQL (with pg_stat_statements) and Kafka are throwaway local servers; all on 127.0.0.1.
 * Bounded by the knobs in lib/knobs.ts and a hard deadline (BENCH_TIMEOUT_S); never part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Stage, StageContext } from './lib/context.js';
import { onboard } from './lib/onboard.js';
import { cpuProfileNotes } from './lib/report.js';
import { Deadline, DeadlineError } from './lib/deadline.js';
import { readKnobs, type StageName } from './lib/knobs.js';
import { benchDir, killAll, logDir, profileDir, stopAll } from './lib/processes.js';
import { salesforceRereads } from './lib/salesforce-reads.js';
import { Stack } from './lib/stack.js';
import { notRun, num, renderTable, type Row } from './lib/table.js';
import { backfillStage } from './stages/backfill.js';
import { fanoutStage } from './stages/fanout.js';
import { inboundStage } from './stages/inbound.js';
import { ingestStage } from './stages/ingest.js';
import { latencyStage } from './stages/latency.js';
import { mutationsStage } from './stages/mutations.js';
import { outboundStage } from './stages/outbound.js';
import { relayStage } from './stages/relay.js';
import { soakStage } from './stages/soak.js';

const STAGES: Record<StageName, Stage> = {
  mutations: mutationsStage,
  relay: relayStage,
  outbound: outboundStage,
  latency: latencyStage,
  ingest: ingestStage,
  fanout: fanoutStage,
  soak: soakStage,
  inbound: inboundStage,
  backfill: backfillStage,
};

const knobs = readKnobs();
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const started = performance.now();
const deadline = new Deadline(knobs.timeoutS * 1000);
// Whatever hangs (a stop that never returns): nothing outlives the deadline by more than a minute and a half.
setTimeout(
  () => {
    say('hard deadline: killing every process');
    killAll();
    process.exit(2);
  },
  knobs.timeoutS * 1000 + 90_000,
).unref();
// Each run's own logs and profiles (a role restarted within the run appends to its log).
fs.rmSync(logDir, { recursive: true, force: true });
if (knobs.cpuProf) fs.rmSync(profileDir, { recursive: true, force: true });

let stack: Stack | undefined;
process.once('SIGINT', () => {
  say('interrupted: stopping');
  killAll();
  void (stack?.close() ?? Promise.resolve()).finally(() => process.exit(130));
});

const rows: Row[] = [];
const notes: string[] = [];
const timings: string[] = [];
try {
  stack = await Stack.start(knobs, say);
  const ctx: StageContext = { stack, knobs, deadline, say, notes };
  await onboard(ctx);
  for (const name of knobs.stages) {
    if (deadline.remainingMs <= 0) {
      rows.push(notRun(name, 'deadline'));
      continue;
    }
    const stageStarted = performance.now();
    say(`stage ${name}`);
    try {
      rows.push(...(await STAGES[name](ctx)));
    } catch (err) {
      const why = err instanceof DeadlineError ? 'deadline' : (err as Error).message;
      say(`stage ${name} failed: ${(err as Error).stack ?? why}`);
      rows.push(notRun(name, why.slice(0, 200)));
    }
    timings.push(`${name} ${num((performance.now() - stageStarted) / 1000)} s`);
  }
  if (knobs.stages.includes('outbound')) rows.push(await salesforceRereads(ctx));
  // Stopping the roles keeps their peaks (and makes them write their CPU profiles).
  await stack.close();
  const peaks = stack.peakMiB;
  rows.push({
    stage: 'peak RSS per process (VmHWM, whole run)',
    ours: `api ${num(peaks.api)} MiB, relay ${num(peaks.relay)} MiB, worker ${num(peaks.worker)} MiB`,
    baseline: '—',
  });
  stack = undefined;
} finally {
  await stack?.close().catch(() => undefined);
  await stopAll();
}

const seconds = (performance.now() - started) / 1000;
const cpu = os.cpus();
const header = [
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu.length} cores (${cpu[0]?.model.trim()}), ` +
    `Node ${process.version}; every emulator call answered after ${knobs.latencyMs} ms; ${knobs.customers} customers, ` +
    `${knobs.events} events, ${knobs.backfillCustomers} backfilled, ${knobs.subscribers} subscribers, ${knobs.soakSeconds} s ` +
    `soak; whole run ${num(seconds)} s (${timings.join(', ')}).`,
];
const report = [
  ...header,
  '',
  renderTable(rows),
  '',
  'ratio: ours ÷ baseline where there is a baseline, else the measured figure itself.',
  '',
  ...notes,
  ...(knobs.cpuProf ? ['', 'CPU profiles (self time):', ...cpuProfileNotes(profileDir)] : []),
].join('\n');
fs.mkdirSync(benchDir, { recursive: true });
fs.writeFileSync(path.join(benchDir, 'latest.md'), `${report}\n`);
process.stdout.write(`${report}\n`);
say(`written to ${path.relative(process.cwd(), path.join(benchDir, 'latest.md'))}`);
process.exit(0);
