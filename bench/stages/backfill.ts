// Backfill against the peer: the Stripe emulator is emptied and given BENCH_BACKFILL_CUSTOMERS new customers; the
// peer's syncBackfill (customers) and our importFromProvider(STRIPE, CUSTOMER) each bring them all in, alternating
// (peer, ours, peer). Every role of ours runs meanwhile, as deployed. Also: SQL write statements per page of the
// import (set-based or row by row) and the Stripe writes each imported record sets off (done, or still queued as a
// PENDING sync state a few seconds after the import).
import { scalar, type Stage, type StageContext } from '../lib/context.js';
import { sleep, until } from '../lib/deadline.js';
import { callBreakdown, type ProviderRequest } from '../lib/emulators.js';
import { gql } from '../lib/http.js';
import { Peer } from '../lib/peer.js';
import { EMPTY, resetStatements, statementsByRole, topLines } from '../lib/pg-stats.js';
import { waitQuiet } from '../lib/quiet.js';
import { DATABASE, PEER_DATABASE } from '../lib/stack.js';
import { mean } from '../lib/stats.js';
import { num, ratio } from '../lib/table.js';

const PAGE = 100;
const SETTLE_MS = 3000;
const WRITE = /^\s*(insert|update|delete)\b/i;

export const backfillStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay', 'worker']);
  await waitQuiet(ctx);
  await stack.stripe.setWebhookUrl(null);
  await stack.stripe.reset();
  const m = knobs.backfillCustomers;
  const tag = `backfill-${Date.now()}`;
  await stack.stripe.createCustomers(
    m,
    (i) => `Backfill ${i}`,
    (i) => `${tag}-${i}@bench.example`,
  );
  ctx.say(`backfill: ${m} customers at the Stripe emulator`);
  const peer = await Peer.start(ctx);
  try {
    const peerRuns = [await peerRun(ctx, peer, m)];
    const ours = await oursRun(ctx, tag);
    await waitQuiet(ctx);
    peerRuns.push(await peerRun(ctx, peer, m));
    const peerSeconds = mean(peerRuns.map((r) => r.seconds));
    const pages = m / PAGE;
    const writesPerPage =
      ours.statements.top.filter((s) => WRITE.test(s.query)).reduce((n, s) => n + s.calls, 0) / pages;
    const peerStatements = mean(peerRuns.map((r) => r.statements)) / m;
    ctx.notes.push(
      `- backfill: ${m} customers; peer runs ${peerRuns.map((r) => num(r.seconds)).join(', ')} s ` +
        `(${num(peerStatements)} SQL statements per record), ours ${num(ours.seconds)} s ` +
        `(${JSON.stringify(ours.job)}). Our api role: ${num(ours.statements.calls / m)} SQL statements per record, ` +
        `${num(writesPerPage)} INSERT/UPDATE/DELETE per ${PAGE}-record page. Stripe calls during the import: ` +
        `${callBreakdown(ours.importCalls)}; Stripe writes within ${SETTLE_MS / 1000} s after it: ${ours.writes}, ` +
        `Stripe sync states still PENDING then: ${ours.pending}. Top statements of the api role:`,
      ...topLines(ours.statements, m, 'record'),
    );
    return [
      {
        stage: `backfill: ${m} Stripe customers -> catalog, vs peer`,
        ours: `${num(ours.seconds)} s`,
        baseline: `${num(peerSeconds)} s (stripe-sync-engine)`,
        value: ratio(ours.seconds, peerSeconds),
        goal: { op: '<=', value: 3 },
      },
      {
        stage: `backfill SQL writes per ${PAGE}-record page (api role)`,
        ours: `${num(writesPerPage)} (${num(ours.statements.calls / m)} statements per record)`,
        baseline: `${num(peerStatements * PAGE)} statements per page (peer)`,
        value: writesPerPage,
        goal: { op: '<=', value: 10, text: 'set-based: ≤ 10' },
      },
      {
        stage: 'Stripe writes per imported record',
        ours: `${num((ours.writes + ours.pending) / m)} (${ours.writes} done + ${ours.pending} queued)`,
        baseline: '0 (peer writes nothing)',
        value: (ours.writes + ours.pending) / m,
        goal: { op: '<=', value: 0, text: '0' },
      },
    ];
  } finally {
    await peer.stop();
  }
};

async function peerRun(ctx: StageContext, peer: Peer, m: number) {
  await peer.reset();
  await resetStatements(ctx.stack.probe);
  const result = await peer.backfill();
  const statements = (await statementsByRole(ctx.stack.probe, PEER_DATABASE)).get('bench_peer') ?? EMPTY;
  if (result.synced !== m) ctx.notes.push(`- backfill, peer: synced ${result.synced} of ${m}`);
  ctx.say(`backfill: peer ${num(result.ms / 1000)} s`);
  return { seconds: result.ms / 1000, statements: statements.calls };
}

interface Job {
  id: string;
  status: string;
  processed: number;
  created: number;
  linked: number;
  skipped: number;
  error: string | null;
}

async function oursRun(ctx: StageContext, tag: string) {
  const { stack } = ctx;
  const isWrite = (r: ProviderRequest) => r.method === 'POST' && r.path.startsWith('/v1/customers/');
  const before = (await stack.stripe.requests()).length;
  await resetStatements(stack.probe);
  const started = performance.now();
  const { importFromProvider } = await gql<{ importFromProvider: Job }>(
    stack.apiUrl,
    'mutation { importFromProvider(entityType: CUSTOMER, provider: STRIPE) { id status processed created linked skipped error } }',
  );
  let job = importFromProvider;
  await until(
    ctx.deadline,
    'our import to finish',
    async () => {
      job = (
        await gql<{ importJob: Job }>(
          stack.apiUrl,
          'query($id: ID!) { importJob(id: $id) { id status processed created linked skipped error } }',
          { id: job.id },
        )
      ).importJob;
      return job.status !== 'RUNNING';
    },
    { everyMs: 100 },
  );
  const seconds = (performance.now() - started) / 1000;
  const statements = (await statementsByRole(stack.probe, DATABASE)).get('bench_api') ?? EMPTY;
  const importCalls = (await stack.stripe.requests()).slice(before);
  await sleep(SETTLE_MS);
  const writes = (await stack.stripe.requests()).slice(before).filter(isWrite).length;
  const pending = await scalar(
    ctx,
    `select count(*) as n from sync_state s join customer c on c.id = s.entity_id
      where s.provider = 'STRIPE' and s.state in ('PENDING', 'SYNCING') and c.email like $1`,
    [`${tag}-%`],
  );
  ctx.say(`backfill: ours ${num(seconds)} s (${job.status}, ${job.created} created)`);
  const { id: _id, ...summary } = job;
  return { seconds, statements, importCalls, writes, pending, job: summary };
}
