import { expectEventually } from '../eventually.js';
import { checkConvergence, checkSeals, type Seal, type Violation } from './checker.js';
import type { ConvergenceConfig } from './config.js';
import { describeContact, describeLocal, describeStripe, localNode, sfNode, stripeNode } from './lineage.js';
import { planOps, runOps } from './ops.js';
import { Rng } from './prng.js';
import { failureReport } from './report.js';
import { SeedRun, type Snapshot } from './run-context.js';
import { settle, SettleTimeout } from './settle.js';
import { placeMarkers, writesSince, type LogEntry, type Markers, type World } from './world.js';

export class ConvergenceFailure extends Error {}

export interface SeedSummary {
  seed: number;
  totalMs: number;
  phases: Record<'ops' | 'settle' | 'seal' | 'barrier', number>;
  ops: number;
  opsFailed: number;
  customers: number;
  deleted: number;
  seals: number;
}

/**
 * One seed, three phases, each ending in a quiescent snapshot that is checked:
 * 1. random: CONVERGENCE_OPS interleaved operations on all three sides plus faults, then settle; all sides agree.
 * 2. seal: one final edit of some customers, each from a random side, then settle; each sealed value is everywhere.
 * 3. barrier: right after that quiescence, mark the request logs, clear faults, create one customer locally and
 *    wait for it; the only provider writes since the mark are the barrier's, and no other record changed.
 */
export async function runSeed(world: World, seed: number, cfg: ConvergenceConfig): Promise<SeedSummary> {
  const run = new SeedRun(world, seed, cfg);
  run.startMarkers = await placeMarkers(world);
  const phases = { ops: 0, settle: 0, seal: 0, barrier: 0 };
  let mark = Date.now();
  const lap = (phase: keyof typeof phases) => {
    phases[phase] = Date.now() - mark;
    mark = Date.now();
  };

  const observer = startObserver(run);
  try {
    await runOps(run, planOps(run, cfg.ops));
  } finally {
    await observer.stop();
  }
  lap('ops');
  const afterRandom = await settleOrFail(run, 'settle after random operations');
  failOn(run, 'after random operations', checkConvergence(run, afterRandom), afterRandom);
  lap('settle');

  const seals = await sealPhase(run, afterRandom);
  const afterSeal = await settleOrFail(run, 'settle after seal edits');
  // Mark the logs first: any provider write from here on happens after quiescence.
  const markers = await placeMarkers(world);
  world.stripe.clearFaults();
  world.sf.clearFaults();
  failOn(
    run,
    'after seal edits',
    [...checkConvergence(run, afterSeal), ...checkSeals(run, afterSeal, seals)],
    afterSeal,
  );
  lap('seal');

  const barrier = await barrierPhase(run, afterSeal, markers, world.calibration?.salesforceWrites);
  failOn(run, 'barrier (no provider write after quiescence)', barrier.violations, barrier.snapshot, barrier.notes);
  lap('barrier');
  if (process.env.CONVERGENCE_VERBOSE === '1') {
    process.stdout.write(
      `${failureReport(run, 'passed (CONVERGENCE_VERBOSE=1)', [], barrier.snapshot, barrier.notes, false)}\n`,
    );
  }

  return {
    seed,
    totalMs: run.elapsed(),
    phases,
    ops: run.ops.length,
    opsFailed: run.ops.filter((o) => o.ok === false).length,
    customers: afterRandom.locals.length,
    deleted: afterRandom.locals.filter((c) => c.deletedAt).length,
    seals: seals.length,
  };
}

function failOn(run: SeedRun, phase: string, violations: Violation[], snap: Snapshot, notes: string[] = []): void {
  if (violations.length > 0) throw new ConvergenceFailure(failureReport(run, phase, violations, snap, notes));
}

async function settleOrFail(run: SeedRun, label: string): Promise<Snapshot> {
  try {
    return await settle(run, label);
  } catch (err) {
    if (!(err instanceof SettleTimeout)) throw err;
    throw new ConvergenceFailure(failureReport(run, label, [], err.snapshot, [err.message, '']));
  }
}

/** Samples all three sides while operations run, so short-lived links (ids on records later deleted) are seen. */
function startObserver(run: SeedRun): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await run.snapshot();
      } catch {
        // A failed sample only means fewer observations.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const SEAL_WORDS = ['Final', 'Last', 'Sealed', 'Settled'];

/** One last edit each for some live customers, from a random side, all at once. */
async function sealPhase(run: SeedRun, snap: Snapshot): Promise<Seal[]> {
  const rng = new Rng(run.seed, 'seal');
  const live = snap.locals.filter((c) => !c.deletedAt);
  const chosen = live.filter(() => rng.chance(0.6));
  if (chosen.length === 0 && live[0]) chosen.push(live[0]);
  let n = run.ops.length;
  const seals: Seal[] = [];
  const edits: Array<Promise<void>> = [];
  for (const x of chosen) {
    const side = rng.pick(['local', 'stripe', 'salesforce'] as const);
    const fields = rng.weighted({ name: 2, email: 2, both: 1 });
    const v = run.freshValues(rng.pick(SEAL_WORDS));
    const seal: Seal = {
      localId: x.id,
      side,
      op: n++,
      ...(fields !== 'email' && { name: v.name }),
      ...(fields !== 'name' && { email: v.email }),
    };
    seals.push(seal);
    edits.push(applySeal(run, snap, seal, v));
  }
  await Promise.all(edits);
  return seals;
}

async function applySeal(run: SeedRun, snap: Snapshot, seal: Seal, v: { first: string; last: string }): Promise<void> {
  const change = { ...(seal.name && { name: seal.name }), ...(seal.email && { email: seal.email }) };
  const input = Object.entries(change)
    .map(([k, val]) => `${k}="${val}"`)
    .join(' ');
  const stripeTwin = snap.stripe.find((s) => s.internalId === seal.localId);
  const contact = snap.contacts.find((c) => c.internalId === seal.localId);
  const target =
    seal.side === 'local'
      ? localNode(seal.localId)
      : seal.side === 'stripe'
        ? stripeNode(stripeTwin!.id)
        : sfNode(contact!.id);
  if (seal.name) run.lineage.originate(seal.name, target);
  if (seal.email) run.lineage.originate(seal.email, target);
  const rec = run.startOp({ n: seal.op, phase: 'seal', actor: seal.side, kind: 'update', target, input });
  // A person retries an edit that failed (leftover faults may still hit it); at most a few times.
  let lastError = '';
  for (let attempt = 1; attempt <= 4; attempt++) {
    try {
      if (seal.side === 'local') {
        const res = await run.world.local.update(seal.localId, change);
        if (!res.ok) throw new Error(res.error);
      } else if (seal.side === 'stripe') {
        await run.world.dashboard.customers.update(stripeTwin!.id, change);
      } else {
        run.world.sf.ui.update('Contact', contact!.id, {
          ...(seal.name && { FirstName: v.first, LastName: v.last }),
          ...(seal.email && { Email: seal.email }),
        });
      }
      run.endOp(rec, true, attempt > 1 ? `updated (attempt ${attempt}; before: ${lastError})` : 'updated');
      return;
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  run.endOp(rec, false, lastError);
}

export interface BarrierOutcome {
  violations: Violation[];
  snapshot: Snapshot;
  notes: string[];
  stripeWrites: LogEntry[];
  salesforceWrites: LogEntry[];
}

/**
 * Creates one customer locally after quiescence and waits until it is SYNCED at both providers and everything is
 * quiet again. Then every provider write since `markers` must be the barrier's: Stripe writes only to
 * /v1/customers (its create) and to the barrier's own customer, Salesforce no more writes than one lone create
 * takes (measured once per app), and no other record changed on any side.
 */
async function barrierPhase(
  run: SeedRun,
  before: Snapshot,
  markers: Markers,
  salesforceBudget: number | undefined,
): Promise<BarrierOutcome> {
  const w = run.world;
  const label = run.seed >= 0 ? `Bv${run.seed}` : 'Calibration';
  const created = await w.local.create({
    name: `Barrier ${label}`,
    email: `${label.toLowerCase()}-barrier@example.com`,
  });
  if (!created.ok) throw new Error(`barrier create failed: ${created.error}`);
  const id = created.value.id;
  run.extraLocalIds.add(id);
  const rec = run.startOp({ n: run.ops.length, phase: 'barrier', actor: 'local', kind: 'create', input: 'barrier' });
  run.endOp(rec, true, `created v${created.value.version}`, localNode(id));
  try {
    await expectEventually(
      async () => {
        const c = await w.local.get(id);
        expect(c?.syncStatus.map((s) => [s.provider, s.state, s.targetVersion]).sort()).toEqual([
          ['SALESFORCE', 'SYNCED', 1],
          ['STRIPE', 'SYNCED', 1],
        ]);
      },
      { timeoutMs: run.cfg.settleTimeoutMs },
    );
  } catch (err) {
    throw new ConvergenceFailure(
      failureReport(run, 'barrier', [], undefined, [
        `the barrier customer ${id} never got SYNCED: ${(err as Error).message}`,
      ]),
    );
  }
  const after = await settleOrFail(run, 'settle after the barrier');
  const writes = writesSince(w, markers);
  const barrier = after.locals.find((c) => c.id === id);
  const cus = barrier?.syncStatus.find((s) => s.provider === 'STRIPE')?.externalId;
  const violations: Violation[] = [];
  const notes = [
    `writes since quiescence: Stripe ${writes.stripe.map(fmt).join(', ') || 'none'}; Salesforce ${writes.salesforce.map(fmt).join(', ') || 'none'}`,
    `barrier ${id}: Stripe ${cus ?? '?'}; Salesforce writes allowed: ${salesforceBudget ?? 'not calibrated'}`,
  ];
  const strayStripe = writes.stripe.filter(
    (e) => !(e.method === 'POST' && e.path === '/v1/customers') && !(cus && e.path === `/v1/customers/${cus}`),
  );
  if (strayStripe.length > 0) {
    violations.push({
      rule: 'write-after-quiescence',
      message: `Stripe got ${strayStripe.length} write(s) after quiescence that are not the barrier's: ${strayStripe.map(fmt).join(', ')}`,
      nodes: [],
    });
  }
  if (salesforceBudget !== undefined && writes.salesforce.length > salesforceBudget) {
    violations.push({
      rule: 'write-after-quiescence',
      message: `Salesforce got ${writes.salesforce.length} write(s) after quiescence, a lone create takes ${salesforceBudget}: ${writes.salesforce.map(fmt).join(', ')}`,
      nodes: [],
    });
  }
  violations.push(...changedSince(before, after, id), ...checkConvergence(run, after));
  return { violations, snapshot: after, notes, stripeWrites: writes.stripe, salesforceWrites: writes.salesforce };
}

function fmt(e: LogEntry): string {
  return `${e.method} ${e.path} → ${e.status}`;
}

/** Records (other than the barrier) that changed between two quiescent snapshots. */
function changedSince(before: Snapshot, after: Snapshot, barrierId: string): Violation[] {
  const out: Violation[] = [];
  const diff = <T extends { id: string }>(
    what: string,
    a: T[],
    b: T[],
    show: (r: T) => string,
    toNode: (id: string) => string,
  ) => {
    const old = new Map(a.map((r) => [r.id, show(r)]));
    const now = new Map(b.filter((r) => r.id !== barrierId).map((r) => [r.id, show(r)]));
    for (const [rid, text] of now) {
      if (old.get(rid) !== text) {
        out.push({
          rule: 'write-after-quiescence',
          message: `${what} ${rid} changed after quiescence: ${old.get(rid) ?? '(did not exist)'}  ⇒  ${text}`,
          nodes: [toNode(rid)],
        });
      }
    }
    for (const [rid, text] of old) {
      if (!now.has(rid)) {
        out.push({
          rule: 'write-after-quiescence',
          message: `${what} ${rid} vanished after quiescence: ${text}`,
          nodes: [toNode(rid)],
        });
      }
    }
  };
  diff(
    'local',
    before.locals,
    after.locals,
    (c) => describeLocal({ ...c, syncStatus: [] }),
    (id) => localNode(id),
  );
  diff(
    'Stripe customer',
    before.stripe,
    after.stripe.filter((s) => s.internalId !== barrierId),
    describeStripe,
    (id) => stripeNode(id),
  );
  diff(
    'Contact',
    before.contacts,
    after.contacts.filter((c) => c.internalId !== barrierId),
    describeContact,
    (id) => sfNode(id),
  );
  return out;
}

/**
 * Measures what one lone local create costs in provider writes on an idle app (the barrier's budget), with the
 * same procedure as the barrier phase.
 */
export async function calibrate(world: World, cfg: ConvergenceConfig): Promise<void> {
  const run = new SeedRun(world, -1, cfg);
  const before = await settle(run, 'calibration: idle app');
  const markers = await placeMarkers(world);
  const outcome = await barrierPhase(run, before, markers, undefined);
  if (outcome.violations.length > 0) {
    throw new ConvergenceFailure(
      failureReport(run, 'calibration', outcome.violations, outcome.snapshot, outcome.notes),
    );
  }
  world.calibration = { salesforceWrites: outcome.salesforceWrites.length, stripeWrites: outcome.stripeWrites.length };
}
