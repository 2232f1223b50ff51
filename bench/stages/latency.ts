// change -> SYNCED: createCustomer one at a time at BENCH_LATENCY_RATE/s with every role running (separate
// processes), from the catalog row's created_at to its sync state's last_synced_at (both stamped by our
// processes on one clock), minus one emulator response time (the one call a change needs at best).
import { scalar, type Stage } from '../lib/context.js';
import { until } from '../lib/deadline.js';
import { gql, paced } from '../lib/http.js';
import { percentile } from '../lib/stats.js';
import { num } from '../lib/table.js';

const CREATE = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }';
const SYNCED_OF = `select count(*) as n from sync_state
  where provider = $1 and entity_id = any($2::uuid[]) and state = 'SYNCED'`;

export const latencyStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay', 'worker']);
  const n = knobs.latencyChanges;
  const ids: string[] = [];
  ctx.say(`latency: ${n} changes at ${knobs.latencyRate}/s`);
  const tag = `latency-${Date.now()}`;
  await paced(n, knobs.latencyRate, async (i) => {
    const data = await gql<{ createCustomer: { id: string } }>(stack.apiUrl, CREATE, {
      i: { name: `Latency ${i}`, email: `${tag}-${i}@bench.example` },
    });
    ids[i] = data.createCustomer.id;
  });
  for (const provider of ['STRIPE', 'SALESFORCE']) {
    await until(
      ctx.deadline,
      `the latency changes SYNCED at ${provider}`,
      async () => (await scalar(ctx, SYNCED_OF, [provider, ids])) >= n,
      { everyMs: 200, timeoutMs: 60_000 },
    );
  }
  const { rows } = await stack.probe.query<{ provider: string; ms: number }>(
    `select s.provider, extract(epoch from (s.last_synced_at - c.created_at)) * 1000 as ms
       from sync_state s join customer c on c.id = s.entity_id
      where s.entity_id = any($1::uuid[]) and s.state = 'SYNCED'`,
    [ids],
  );
  const rowsFor = (provider: string) => rows.filter((r) => r.provider === provider).map((r) => Number(r.ms));
  const L = knobs.latencyMs;
  return ['STRIPE', 'SALESFORCE'].map((provider) => {
    const ms = rowsFor(provider);
    const p50 = percentile(ms, 50);
    const p99 = percentile(ms, 99);
    return {
      stage: `change -> SYNCED at ${provider === 'STRIPE' ? 'Stripe' : 'Salesforce'}, beyond ${L} ms emulator latency`,
      ours: `p50 ${num(p50 - L)} ms, p99 ${num(p99 - L)} ms (raw ${num(p50)} / ${num(p99)} ms)`,
      baseline: `${L} ms (one provider call)`,
      value: p50 - L,
      goal: { op: '<' as const, value: 50, text: 'p50 < 50 ms' },
    };
  });
};
