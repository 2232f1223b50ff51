import { planFault, type FaultPlan } from './faults.js';
import { localNode, opNode, sfNode, stripeNode, type NodeId } from './lineage.js';
import { pickWith, Rng } from './prng.js';
import type { OpRecord, SeedRun } from './run-context.js';

export type Actor = 'local' | 'stripe' | 'salesforce';
export type Fields = 'name' | 'email' | 'both';

/**
 * One planned operation. Plans are drawn from the seed alone (never from what exists), so a seed always replays
 * the same sequence of kinds, values, faults and pauses; which record an update or delete lands on is
 * `targetRoll` applied to the records that exist at that moment, which depends on timing.
 */
export type OpPlan =
  | { n: number; gapMs: number; kind: 'fault'; fault: FaultPlan }
  | {
      n: number;
      gapMs: number;
      kind: 'create' | 'update' | 'delete';
      actor: Actor;
      targetRoll: number;
      fields: Fields;
      /** Salesforce: change FirstName only (LastName stays), so the name is merged from two writes. */
      firstNameOnly: boolean;
      /** Local updates: pass the version just read as expectedVersion (CONFLICT if it moved on). */
      expectedVersion: boolean;
      values: { first: string; last: string; name: string; email: string };
    };

const WORDS = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tony', 'Leslie'];

const WEIGHTS = {
  'local.create': 12,
  'local.update': 14,
  'local.delete': 4,
  'stripe.create': 8,
  'stripe.update': 12,
  'stripe.delete': 3,
  'salesforce.create': 8,
  'salesforce.update': 12,
  'salesforce.delete': 3,
  fault: 14,
} as const;

export function planOps(run: SeedRun, count: number): OpPlan[] {
  const rng = new Rng(run.seed, 'ops');
  const plans: OpPlan[] = [];
  for (let n = 0; n < count; n++) {
    const choice = rng.weighted(WEIGHTS);
    const gapMs = rng.int(0, run.cfg.maxGapMs);
    if (choice === 'fault') {
      plans.push({ n, gapMs, kind: 'fault', fault: planFault(rng) });
      continue;
    }
    const [actor, kind] = choice.split('.') as [Actor, 'create' | 'update' | 'delete'];
    plans.push({
      n,
      gapMs,
      kind,
      actor,
      targetRoll: rng.float(),
      fields: rng.weighted({ name: 2, email: 2, both: 1 }),
      firstNameOnly: rng.chance(0.4),
      expectedVersion: rng.chance(0.5),
      values: run.freshValues(rng.pick(WORDS)),
    });
  }
  return plans;
}

/**
 * Issues the plans one after another, a few ms apart, without waiting for sync, with at most `maxInFlight`
 * operations outstanding. Resolves when every operation has answered.
 */
export async function runOps(run: SeedRun, plans: OpPlan[]): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (const plan of plans) {
    while (inFlight.size >= run.cfg.maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = execute(run, plan, 'random').finally(() => inFlight.delete(p));
    inFlight.add(p);
    // Pacing between operations (not a wait for any outcome).
    if (plan.gapMs > 0) await new Promise((r) => setTimeout(r, plan.gapMs));
  }
  await Promise.all(inFlight);
}

export async function execute(run: SeedRun, plan: OpPlan, phase: OpRecord['phase']): Promise<void> {
  if (plan.kind === 'fault') {
    const rec = run.startOp({ n: plan.n, phase, actor: 'fault', kind: 'inject', input: plan.fault.label });
    if (plan.fault.provider === 'stripe') run.world.stripe.injectFaults(plan.fault.spec);
    else run.world.sf.injectFaults(plan.fault.spec);
    run.endOp(rec, true, 'injected');
    return;
  }
  try {
    if (plan.actor === 'local') await localOp(run, plan, phase);
    else if (plan.actor === 'stripe') await stripeOp(run, plan, phase);
    else salesforceOp(run, plan, phase);
  } catch (err) {
    // A bug in the test itself: make it loud rather than a silent no-op.
    throw new Error(`op #${plan.n} (${plan.actor}.${plan.kind}) threw: ${(err as Error).stack ?? String(err)}`);
  }
}

type RecordPlan = Extract<OpPlan, { kind: 'create' | 'update' | 'delete' }>;

function changes(plan: RecordPlan): { name?: string; email?: string } {
  return {
    ...(plan.fields !== 'email' && { name: plan.values.name }),
    ...(plan.fields !== 'name' && { email: plan.values.email }),
  };
}

function describeChanges(c: { name?: string; email?: string }): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
}

/** The values a create writes come from operation `n` until we know which record it made. */
function originateCreate(run: SeedRun, plan: RecordPlan): NodeId {
  const node = opNode(plan.n);
  run.lineage.originate(plan.values.name, node);
  run.lineage.originate(plan.values.email, node);
  return node;
}

function originateUpdate(run: SeedRun, target: NodeId, c: { name?: string; email?: string }): void {
  if (c.name) run.lineage.originate(c.name, target);
  if (c.email) run.lineage.originate(c.email, target);
}

// --- local, through GraphQL -----------------------------------------------------------------------------------

async function localOp(run: SeedRun, plan: RecordPlan, phase: OpRecord['phase']): Promise<void> {
  const local = run.world.local;
  let kind = plan.kind;
  let target: { id: string; version: number } | undefined;
  if (kind !== 'create') {
    const live = (await run.localRecords()).filter((c) => !c.deletedAt && !run.tombstones.has(localNode(c.id)));
    target = pickWith(live, plan.targetRoll);
    if (!target) kind = 'create';
  }
  if (kind === 'create' || !target) {
    const op = originateCreate(run, plan);
    const input = { name: plan.values.name, email: plan.values.email };
    const rec = run.startOp({ n: plan.n, phase, actor: 'local', kind: 'create', input: describeChanges(input) });
    const res = await local.create(input);
    if (res.ok) {
      run.localIds.add(res.value.id);
      run.lineage.union(op, localNode(res.value.id));
      run.endOp(rec, true, `created v${res.value.version}`, localNode(res.value.id));
    } else run.endOp(rec, false, res.error, op);
    return;
  }
  const node = localNode(target.id);
  if (kind === 'delete') {
    run.tombstones.add(node);
    const rec = run.startOp({ n: plan.n, phase, actor: 'local', kind: 'delete', target: node, input: '' });
    const res = await local.delete(target.id);
    if (res.ok) {
      run.deleted.set(node, plan.n);
      run.endOp(rec, true, `deleted at v${res.value.version}`);
    } else {
      run.endOp(rec, false, res.error);
      // NOT_FOUND: it was deleted already (by sync of a provider delete): leave it alone all the same.
    }
    return;
  }
  const c = changes(plan);
  originateUpdate(run, node, c);
  const input = { ...c, ...(plan.expectedVersion && { expectedVersion: target.version }) };
  const rec = run.startOp({
    n: plan.n,
    phase,
    actor: 'local',
    kind: 'update',
    target: node,
    input: `${describeChanges(c)}${plan.expectedVersion ? ` expectedVersion=${target.version}` : ''}`,
  });
  const res = await local.update(target.id, input);
  run.endOp(rec, res.ok, res.ok ? `now v${res.value.version}` : res.error);
}

// --- Stripe, a person in the dashboard (the real client, no idempotency keys of ours) ---------------------------

function stripeError(err: unknown): string {
  const e = err as { statusCode?: number; type?: string; code?: string; message?: string };
  return `${e.statusCode ?? 'network'} ${e.type ?? ''}${e.code ? `/${e.code}` : ''}: ${e.message ?? String(err)}`;
}

async function stripeOp(run: SeedRun, plan: RecordPlan, phase: OpRecord['phase']): Promise<void> {
  const dashboard = run.world.dashboard;
  let kind = plan.kind;
  const live = run.stripeRecords().filter((c) => !run.tombstones.has(stripeNode(c.id)));
  const target = kind === 'create' ? undefined : pickWith(live, plan.targetRoll);
  if (!target) kind = 'create';
  run.observeProviders();

  if (kind === 'create' || !target) {
    const op = originateCreate(run, plan);
    const input = { name: plan.values.name, email: plan.values.email };
    const rec = run.startOp({ n: plan.n, phase, actor: 'stripe', kind: 'create', input: describeChanges(input) });
    try {
      const created = await dashboard.customers.create(input);
      run.lineage.union(op, stripeNode(created.id));
      run.endOp(rec, true, 'created', stripeNode(created.id));
    } catch (err) {
      // The reply may be lost after Stripe applied it: look, as the person would.
      const applied = run.world.stripe.customers().find((c) => c.email === plan.values.email);
      if (applied) run.lineage.union(op, stripeNode(applied.id));
      run.endOp(
        rec,
        false,
        `${stripeError(err)}${applied ? ` (applied all the same: ${applied.id})` : ''}`,
        applied ? stripeNode(applied.id) : op,
      );
    }
    return;
  }
  const node = stripeNode(target.id);
  if (kind === 'delete') {
    run.tombstones.add(node);
    const rec = run.startOp({ n: plan.n, phase, actor: 'stripe', kind: 'delete', target: node, input: '' });
    try {
      await dashboard.customers.del(target.id);
      run.deleted.set(node, plan.n);
      run.endOp(rec, true, 'deleted');
    } catch (err) {
      const gone = !run.world.stripe.customers().some((c) => c.id === target.id);
      if (gone) run.deleted.set(node, plan.n);
      else run.tombstones.delete(node);
      run.endOp(rec, false, `${stripeError(err)}${gone ? ' (it is gone: counted as deleted)' : ''}`);
    }
    return;
  }
  const c = changes(plan);
  originateUpdate(run, node, c);
  const rec = run.startOp({
    n: plan.n,
    phase,
    actor: 'stripe',
    kind: 'update',
    target: node,
    input: describeChanges(c),
  });
  try {
    await dashboard.customers.update(target.id, c);
    run.endOp(rec, true, 'updated');
  } catch (err) {
    run.endOp(rec, false, stripeError(err));
  }
}

// --- Salesforce, a person in the UI (synchronous, in-process) ----------------------------------------------------

function salesforceOp(run: SeedRun, plan: RecordPlan, phase: OpRecord['phase']): void {
  const { sf } = run.world;
  let kind = plan.kind;
  const live = run.contactRecords().filter((c) => !run.tombstones.has(sfNode(c.id)));
  const target = kind === 'create' ? undefined : pickWith(live, plan.targetRoll);
  if (!target) kind = 'create';
  run.observeProviders();

  if (kind === 'create' || !target) {
    const op = originateCreate(run, plan);
    const fields = { FirstName: plan.values.first, LastName: plan.values.last, Email: plan.values.email };
    const rec = run.startOp({
      n: plan.n,
      phase,
      actor: 'salesforce',
      kind: 'create',
      input: describeChanges({ name: plan.values.name, email: plan.values.email }),
    });
    try {
      const id = sf.ui.create('Contact', fields);
      run.lineage.union(op, sfNode(id));
      run.endOp(rec, true, 'created', sfNode(id));
    } catch (err) {
      run.endOp(rec, false, (err as Error).message, op);
    }
    return;
  }
  const node = sfNode(target.id);
  if (kind === 'delete') {
    run.tombstones.add(node);
    const rec = run.startOp({ n: plan.n, phase, actor: 'salesforce', kind: 'delete', target: node, input: '' });
    try {
      sf.ui.delete('Contact', target.id);
      run.deleted.set(node, plan.n);
      run.lastSalesforceDeleteAt = Date.now();
      run.endOp(rec, true, 'deleted');
    } catch (err) {
      run.tombstones.delete(node);
      run.endOp(rec, false, (err as Error).message);
    }
    return;
  }
  const c = changes(plan);
  const fields: Record<string, string> = {};
  let resulting: { name?: string; email?: string } = {};
  if (c.name !== undefined) {
    if (plan.firstNameOnly) {
      fields.FirstName = plan.values.first;
      resulting.name = `${plan.values.first} ${target.lastName}`;
    } else {
      fields.FirstName = plan.values.first;
      fields.LastName = plan.values.last;
      resulting.name = plan.values.name;
    }
  }
  if (c.email !== undefined) {
    fields.Email = c.email;
    resulting = { ...resulting, email: c.email };
  }
  originateUpdate(run, node, resulting);
  const rec = run.startOp({
    n: plan.n,
    phase,
    actor: 'salesforce',
    kind: 'update',
    target: node,
    input: Object.entries(fields)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' '),
  });
  try {
    sf.ui.update('Contact', target.id, fields);
    run.endOp(rec, true, 'updated');
  } catch (err) {
    run.endOp(rec, false, (err as Error).message);
  }
}
