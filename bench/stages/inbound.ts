// Inbound against the peer: BENCH_EVENTS real Stripe events (customers created at the Stripe emulator, then each
// renamed), signed and POSTed by the bench, BENCH_INBOUND_CONCURRENCY in flight, to each engine in turn: the peer
// (default, then re-reading each customer from Stripe as ours does), ours, and the peer twice again. The peer is
// done when its last request is answered (it applies inside the request); ours when the catalog holds every
// customer with its new name (the api queues, the worker applies).
import { scalar, type Stage, type StageContext } from '../lib/context.js';
import { sleep, until } from '../lib/deadline.js';
import { callBreakdown, postStripeEvent, type ProviderRequest } from '../lib/emulators.js';
import { runPool } from '../lib/http.js';
import { Peer, type PeerMode } from '../lib/peer.js';
import { EMPTY, resetStatements, statementsByRole, topLines, type RoleStatements } from '../lib/pg-stats.js';
import { waitQuiet } from '../lib/quiet.js';
import { DATABASE, PEER_DATABASE } from '../lib/stack.js';
import { mean } from '../lib/stats.js';
import { num, ratio } from '../lib/table.js';

interface Run {
  seconds: number;
  stripeCalls: number;
  statements: RoleStatements;
  stripeBefore: number;
  calls?: ProviderRequest[];
}

export const inboundStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay', 'worker']);
  await waitQuiet(ctx);
  // The bench delivers the events itself, the same way to both engines; nothing else is sent meanwhile.
  await stack.stripe.setWebhookUrl(null);
  const k = Math.floor(knobs.events / 2);
  const tag = `inbound-${Date.now()}`;
  const since = Math.floor(Date.now() / 1000) - 1;
  const ids = await stack.stripe.createCustomers(
    k,
    (i) => `Inbound ${i}`,
    (i) => `${tag}-${i}@bench.example`,
  );
  // Renamed a second later at the earliest, as a person would: the peer's default mode drops an update stamped
  // in the same second as the create it follows (its guard is last_synced_at < event.created).
  await sleep(1000 - (Date.now() % 1000) + 1000);
  await runPool(k, 32, (i) => stack.stripe.api('POST', `/v1/customers/${ids[i]}`, { name: `Inbound ${i} v2` }));
  const mine = new Set(ids);
  const bodies = (await stack.stripe.eventsSince(since))
    .filter((e) => mine.has(e.data.object.id) && (e.type === 'customer.created' || e.type === 'customer.updated'))
    .map((e) => JSON.stringify(e));
  ctx.say(`inbound: ${bodies.length} events about ${k} customers`);
  const peer = await Peer.start(ctx);
  try {
    const runs: Record<PeerMode, Run[]> = { default: [], revalidate: [] };
    for (const mode of ['default', 'revalidate'] as const)
      runs[mode].push(await peerRun(ctx, peer, mode, bodies, tag, k));
    const ours = await oursRun(ctx, bodies, tag, k);
    // Our follow-up writes (Salesforce creates, Stripe links) finish before the peer runs again, not during; what
    // they took is counted too.
    await waitQuiet(ctx);
    const settled = (await statementsByRole(stack.probe, DATABASE)).get('bench_worker') ?? EMPTY;
    const settledCalls = (await stack.stripe.requests()).slice(ours.stripeBefore);
    for (const mode of ['default', 'revalidate'] as const)
      runs[mode].push(await peerRun(ctx, peer, mode, bodies, tag, k));
    const updates = await oursUpdatesRun(ctx, ids, tag, k);
    await waitQuiet(ctx);
    const events = bodies.length;
    const peerSeconds = (mode: PeerMode) => mean(runs[mode].map((r) => r.seconds));
    const peerPerEvent = (mode: PeerMode) => mean(runs[mode].map((r) => r.statements.calls)) / events;
    const worker = ours.statements;
    ctx.notes.push(
      `- inbound: ${events} events (${k} customer.created + ${k} customer.updated), ${knobs.inboundConcurrency} in ` +
        `flight. Ours ${num(ours.seconds)} s; peer runs (before, after ours): default ` +
        `${runs.default.map((r) => num(r.seconds)).join(', ')} s, re-reading ${runs.revalidate.map((r) => num(r.seconds)).join(', ')} s. ` +
        `Stripe calls per event: ours ${num(ours.stripeCalls / events)}, peer ${num(mean(runs.default.map((r) => r.stripeCalls)) / events)} / ` +
        `${num(mean(runs.revalidate.map((r) => r.stripeCalls)) / events)}. SQL statements per event: ours ` +
        `${num(worker.calls / events)} from the worker (${num(worker.work / events)} without BEGIN/COMMIT), counted ` +
        `until the catalog held every change (the outbound writes set off by then are in); until everything settled, ` +
        `${num(settled.calls / events)}; peer ${num(peerPerEvent('default'))} / ${num(peerPerEvent('revalidate'))}. ` +
        `Our Stripe calls until applied: ${callBreakdown(ours.calls ?? [])}; until settled: ${callBreakdown(settledCalls)}. ` +
        `Top statements of our worker until applied:`,
      ...topLines(worker, events, 'event'),
      `- inbound updates: then each of the ${k} customers renamed again at Stripe, ${updates.events} customer.updated ` +
        `events about linked customers delivered the same way: ours ${num(updates.seconds)} s, ` +
        `${num(updates.stripeCalls / updates.events)} Stripe calls per event. Top statements of our worker until applied:`,
      ...topLines(updates.statements, updates.events, 'event'),
    );
    return [
      ...(['default', 'revalidate'] as const).map((mode) => ({
        stage: `inbound: ${events} signed events -> catalog, vs peer ${mode === 'default' ? '(trusts payload)' : '(re-reads, like ours)'}`,
        ours: `${num(ours.seconds)} s`,
        baseline: `${num(peerSeconds(mode))} s (stripe-sync-engine)`,
        value: ratio(ours.seconds, peerSeconds(mode)),
        goal: { op: '<=' as const, value: 2 },
      })),
      {
        stage: 'SQL statements per inbound event (worker)',
        ours: `${num(worker.calls / events)} (${num(worker.work / events)} w/o BEGIN/COMMIT)`,
        baseline: `${num(peerPerEvent('default'))} (peer)`,
        value: worker.calls / events,
        goal: { op: '<=', value: 5 },
      },
      {
        stage: 'SQL statements per inbound event, updates of linked customers only (worker)',
        ours: `${num(updates.statements.calls / updates.events)} (${num(updates.statements.work / updates.events)} w/o BEGIN/COMMIT; ${num(updates.seconds)} s for ${updates.events})`,
        baseline: '1 (peer)',
        value: updates.statements.calls / updates.events,
        goal: { op: '<=', value: 5 },
      },
    ];
  } finally {
    await peer.stop();
  }
};

/** POSTs every body, signed now, `concurrency` at a time; returns how many were not answered 2xx. */
async function deliver(ctx: StageContext, url: string, bodies: string[]): Promise<number> {
  let refused = 0;
  await runPool(
    bodies.length,
    ctx.knobs.inboundConcurrency,
    async (i) => {
      const res = await postStripeEvent(url, bodies[i]!);
      if (res.status >= 300) refused++;
    },
    ctx.deadline,
  );
  return refused;
}

async function peerRun(ctx: StageContext, peer: Peer, mode: PeerMode, bodies: string[], tag: string, k: number) {
  await peer.reset();
  const stripeBefore = (await ctx.stack.stripe.requests()).length;
  await resetStatements(ctx.stack.probe);
  const started = performance.now();
  const refused = await deliver(ctx, peer.webhookUrl(mode), bodies);
  const seconds = (performance.now() - started) / 1000;
  const statements = (await statementsByRole(ctx.stack.probe, PEER_DATABASE)).get('bench_peer') ?? EMPTY;
  const stripeCalls = (await ctx.stack.stripe.requests()).length - stripeBefore;
  const applied = await peer.count(`${tag}-%`, '% v2');
  if (refused > 0 || applied !== k)
    ctx.notes.push(`- inbound, peer ${mode}: ${refused} refused, ${applied}/${k} applied`);
  ctx.say(`inbound: peer (${mode}) ${num(seconds)} s`);
  return { seconds, stripeCalls, statements, stripeBefore };
}

async function oursRun(ctx: StageContext, bodies: string[], tag: string, k: number): Promise<Run> {
  const { stack } = ctx;
  const stripeBefore = (await stack.stripe.requests()).length;
  await resetStatements(stack.probe);
  const applied = () =>
    scalar(ctx, `select count(*) as n from customer where email like $1 and name like '% v2' and deleted_at is null`, [
      `${tag}-%`,
    ]);
  const started = performance.now();
  const refused = await deliver(ctx, `${stack.apiUrl}/webhooks/stripe`, bodies);
  await until(ctx.deadline, 'our catalog to hold every inbound change', async () => (await applied()) >= k);
  const seconds = (performance.now() - started) / 1000;
  const statements = (await statementsByRole(stack.probe, DATABASE)).get('bench_worker') ?? EMPTY;
  const calls = (await stack.stripe.requests()).slice(stripeBefore);
  if (refused > 0) ctx.notes.push(`- inbound, ours: ${refused} deliveries refused`);
  ctx.say(`inbound: ours ${num(seconds)} s`);
  return { seconds, stripeCalls: calls.length, statements, stripeBefore, calls };
}

/**
 * Every customer renamed once more at Stripe (their customer.updated events now about linked records: each is a
 * merge, not a create or an echo), delivered to ours alone: statements and time until the catalog holds them all.
 */
async function oursUpdatesRun(ctx: StageContext, ids: string[], tag: string, k: number) {
  const { stack } = ctx;
  const since = Math.floor(Date.now() / 1000) - 1;
  await runPool(k, 32, (i) => stack.stripe.api('POST', `/v1/customers/${ids[i]}`, { name: `Inbound ${i} v3` }));
  const mine = new Set(ids);
  const bodies = (await stack.stripe.eventsSince(since))
    .filter((e) => e.type === 'customer.updated' && mine.has(e.data.object.id))
    .filter((e) => String((e.data.object as { name?: unknown }).name).endsWith(' v3'))
    .map((e) => JSON.stringify(e));
  const stripeBefore = (await stack.stripe.requests()).length;
  await resetStatements(stack.probe);
  const started = performance.now();
  const refused = await deliver(ctx, `${stack.apiUrl}/webhooks/stripe`, bodies);
  await until(
    ctx.deadline,
    'our catalog to hold every rename',
    async () =>
      (await scalar(ctx, `select count(*) as n from customer where email like $1 and name like '% v3'`, [
        `${tag}-%`,
      ])) >= k,
  );
  const seconds = (performance.now() - started) / 1000;
  const statements = (await statementsByRole(stack.probe, DATABASE)).get('bench_worker') ?? EMPTY;
  const stripeCalls = (await stack.stripe.requests()).length - stripeBefore;
  if (refused > 0) ctx.notes.push(`- inbound updates, ours: ${refused} deliveries refused`);
  ctx.say(`inbound: ours, updates only, ${num(seconds)} s`);
  return { seconds, statements, stripeCalls, events: bodies.length };
}
