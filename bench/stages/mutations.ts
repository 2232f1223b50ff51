// createCustomer through the api role (GraphQL, its own process, relay and workers stopped) against the same
// transaction written with plain pg: the rows one createCustomer wrote (catalog row, outbox events, sync states),
// copied with new ids into tables made LIKE ours (same columns, defaults and indexes), one INSERT per table.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Stage, StageContext } from '../lib/context.js';
import { gql, runPool } from '../lib/http.js';
import { EMPTY, resetStatements, statementsByRole, topLines } from '../lib/pg-stats.js';
import { DATABASE } from '../lib/stack.js';
import { percentile } from '../lib/stats.js';
import { num, ratio } from '../lib/table.js';

const CREATE = 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }';
const WARMUP = 50;

type DbRow = Record<string, unknown>;

export const mutationsStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api']);
  const n = knobs.customers;
  const create = (prefix: string) => (i: number) =>
    gql(stack.apiUrl, CREATE, { i: { name: `${prefix} ${i}`, email: `${prefix.toLowerCase()}-${i}@bench.example` } });

  await runPool(WARMUP, knobs.concurrency, create('Warmup'), ctx.deadline);
  await resetStatements(stack.probe);
  const started = performance.now();
  const latencies = await runPool(n, knobs.concurrency, create('Mutation'), ctx.deadline);
  const oursSeconds = (performance.now() - started) / 1000;
  const statements = (await statementsByRole(stack.probe, DATABASE)).get('bench_api') ?? EMPTY;
  const oursRate = n / oursSeconds;
  ctx.say(`mutations: ${n} createCustomer in ${oursSeconds.toFixed(1)} s`);

  const baseline = await plainPg(ctx, n);
  ctx.say(`mutations: the same ${n} transactions with plain pg in ${(n / baseline.rate).toFixed(1)} s`);

  const p = (q: number) => percentile(latencies, q);
  ctx.notes.push(
    `- mutations: ${n} createCustomer, ${knobs.concurrency} concurrent clients, latency p50 ${num(p(50))} ms / ` +
      `p99 ${num(p(99))} ms; ${num(statements.calls / n)} SQL statements per mutation from the api role ` +
      `(${num(statements.work / n)} without BEGIN/COMMIT); the plain-pg transaction writes the same rows ` +
      `(${baseline.shape}) in ${baseline.statements} statements. Top statements of the api role:`,
    ...topLines(statements, n, 'mutation'),
  );
  return [
    {
      stage: `createCustomer mutations/s (api role, ${knobs.concurrency} clients)`,
      ours: `${num(oursRate)}/s`,
      baseline: `${num(baseline.rate)}/s (plain pg, same rows)`,
      value: ratio(oursRate, baseline.rate),
      goal: { op: '>=', value: 0.5 },
    },
  ];
};

/** The rows the last createCustomer wrote, as templates for the plain-pg transaction. */
async function templates(ctx: StageContext) {
  const { rows: customers } = await ctx.stack.probe.query<DbRow>(
    `select * from customer where name like 'Mutation %' order by created_at desc limit 1`,
  );
  const customer = customers[0];
  if (!customer) throw new Error('no customer was created');
  const id = customer.id as string;
  const outbox = (await ctx.stack.probe.query<DbRow>('select * from outbox_event where key = $1', [id])).rows;
  const states = (await ctx.stack.probe.query<DbRow>('select * from sync_state where entity_id = $1', [id])).rows;
  return { customer, outbox, states };
}

async function plainPg(ctx: StageContext, n: number) {
  const { customer, outbox, states } = await templates(ctx);
  const tables = { customer: 'bench_plain_customer', outbox: 'bench_plain_outbox', states: 'bench_plain_sync_state' };
  await ctx.stack.probe.query(
    `create table if not exists ${tables.customer} (like customer including all);
     create table if not exists ${tables.outbox} (like outbox_event including all);
     create table if not exists ${tables.states} (like sync_state including all);
     truncate ${tables.customer}, ${tables.outbox}, ${tables.states};`,
  );
  // seq comes from the table's own default (its bigserial), published_at stays null, as in ours.
  const columns = (row: DbRow) => Object.keys(row).filter((c) => c !== 'seq' && c !== 'published_at');
  const insert = (table: string, cols: string[]) =>
    `insert into ${table} (${cols.join(', ')}) select ${cols.join(', ')} from json_populate_recordset(null::${table}, $1)`;
  const sql = {
    customer: insert(tables.customer, columns(customer)),
    outbox: outbox.length > 0 ? insert(tables.outbox, columns(outbox[0]!)) : undefined,
    states: states.length > 0 ? insert(tables.states, columns(states[0]!)) : undefined,
  };
  const pool = new pg.Pool({ connectionString: ctx.stack.dbUrl('bench_plain'), max: ctx.knobs.concurrency });
  const transaction = async (i: number) => {
    const id = randomUUID();
    const now = new Date();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(sql.customer, [
        JSON.stringify([{ ...customer, id, name: `Plain ${i}`, email: `plain-${i}@bench.example`, created_at: now }]),
      ]);
      if (sql.outbox) {
        const events = outbox.map((e) => ({ ...e, id: randomUUID(), key: id, created_at: now }));
        await client.query(sql.outbox, [JSON.stringify(events)]);
      }
      if (sql.states) {
        const rows = states.map((s) => ({ ...s, id: randomUUID(), entity_id: id, updated_at: now }));
        await client.query(sql.states, [JSON.stringify(rows)]);
      }
      await client.query('commit');
    } finally {
      client.release();
    }
  };
  try {
    await runPool(WARMUP, ctx.knobs.concurrency, transaction, ctx.deadline);
    const started = performance.now();
    await runPool(n, ctx.knobs.concurrency, transaction, ctx.deadline);
    const rate = n / ((performance.now() - started) / 1000);
    return {
      rate,
      statements: 2 + Object.values(sql).filter(Boolean).length,
      shape: `1 customer, ${outbox.length} outbox events, ${states.length} sync states`,
    };
  } finally {
    await pool.end();
  }
}
