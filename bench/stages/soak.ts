// A bounded soak: BENCH_SOAK_S seconds of steady changes (creates and updates, BENCH_SOAK_RATE per second) through
// every role, RSS of each sampled every second. Flat: the median of the last third over the median of the first.
import type { Stage } from '../lib/context.js';
import { gql, paced } from '../lib/http.js';
import { waitQuiet } from '../lib/quiet.js';
import { ROLES, type Role } from '../lib/stack.js';
import { growth, median } from '../lib/stats.js';
import { num } from '../lib/table.js';

const CREATE = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }';
const UPDATE = 'mutation($id: ID!, $n: String!) { updateCustomer(id: $id, input: { name: $n }) { id } }';

export const soakStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay', 'worker']);
  await waitQuiet(ctx);
  const rss: Record<Role, number[]> = { api: [], relay: [], worker: [] };
  const sampler = setInterval(() => {
    const now = stack.sampleMemory();
    for (const role of ROLES) if (now[role] !== undefined) rss[role].push(now[role]);
  }, 1000);
  const ids: string[] = [];
  const tag = Date.now();
  const n = Math.round(knobs.soakSeconds * knobs.soakRate);
  ctx.say(`soak: ${knobs.soakSeconds} s at ${knobs.soakRate} changes/s`);
  try {
    await paced(n, knobs.soakRate, async (i) => {
      ctx.deadline.check('in the soak');
      if (i % 2 === 0 || ids.length === 0) {
        const data = await gql<{ createCustomer: { id: string } }>(stack.apiUrl, CREATE, {
          i: { name: `Soak ${i}`, email: `soak-${tag}-${i}@bench.example` },
        });
        ids.push(data.createCustomer.id);
      } else {
        await gql(stack.apiUrl, UPDATE, { id: ids[(i * 7919) % ids.length], n: `Soak ${i} renamed` });
      }
    });
  } finally {
    clearInterval(sampler);
  }
  const growths = ROLES.map((role) => growth(rss[role]));
  const worst = Math.max(...growths);
  const describe = (role: Role) => {
    const xs = rss[role];
    const third = Math.max(1, Math.floor(xs.length / 3));
    return `${role} ${num(median(xs.slice(0, third)))} -> ${num(median(xs.slice(-third)))} MiB`;
  };
  ctx.notes.push(
    `- soak: ${n} changes in ${knobs.soakSeconds} s; RSS samples (MiB, 1/s): ` +
      ROLES.map((role) => `${role} [${rss[role].map((x) => Math.round(x)).join(' ')}]`).join('; ') +
      '.',
  );
  return [
    {
      stage: `RSS over a ${knobs.soakSeconds} s soak (${knobs.soakRate} changes/s), last third / first third`,
      ours: ROLES.map(describe).join(', '),
      baseline: '—',
      value: worst,
      goal: { op: '<=', value: 1.1, text: '≤ 1.10 (flat)' },
    },
  ];
};
