// Subscription fan-out: BENCH_SUBSCRIBERS graphql-ws clients (one WebSocket each) on the one API instance, all
// subscribed to syncStatusChanged of one customer; one updateCustomer, and when each subscriber got its PENDING
// status. Baseline: a bare `ws` server (its own process) sending one message of the same size to as many clients.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../../scripts/lib/services.mjs';
import { scalar, type Stage, type StageContext } from '../lib/context.js';
import { sleep, until } from '../lib/deadline.js';
import { gql, request, runPool } from '../lib/http.js';
import { spawnNode, waitHttp } from '../lib/processes.js';
import { waitQuiet } from '../lib/quiet.js';
import { percentile } from '../lib/stats.js';
import { num, ratio } from '../lib/table.js';

const SUBSCRIPTION = `subscription($id: ID) { syncStatusChanged(entityType: CUSTOMER, entityId: $id) {
  entityType entityId provider state attempts lastError lastSyncedAt externalId targetVersion updatedAt } }`;
const UPDATE = 'mutation($id: ID!, $n: String!) { updateCustomer(id: $id, input: { name: $n }) { version } }';
const CONNECTING = 100;

interface Delivery {
  /** performance.now() of each subscriber's first message for the awaited version (NaN: none yet). */
  at: Float64Array;
  version: number;
  /** The first message of the awaited version, and when (wall clock) it came. */
  first?: { message: { data?: { syncStatusChanged: { updatedAt: string } } }; wallMs: number } | undefined;
}

export const fanoutStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay', 'worker']);
  await waitQuiet(ctx);
  const n = knobs.subscribers;
  const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
    stack.apiUrl,
    'mutation { createCustomer(input: { name: "Fanout", email: "fanout@bench.example" }) { id } }',
  );
  const id = createCustomer.id;
  // Synced at both, and the providers' webhooks about those writes (sent up to a second later) handled: nothing
  // holds the customer's sync-state locks when the next change comes.
  const settled = async () => {
    await until(ctx.deadline, 'the fan-out customer to settle', async () => {
      const open = await scalar(
        ctx,
        `select count(*) as n from sync_state where entity_id = $1 and state <> 'SYNCED'`,
        [id],
      );
      return open === 0;
    });
    await sleep(1500);
    await waitQuiet(ctx, 15_000);
    await apiIdle(ctx);
  };
  await settled();

  const delivery: Delivery = { at: new Float64Array(n).fill(NaN), version: 0 };
  const connectStarted = performance.now();
  const clients = await connectSubscribers(ctx, n, id, delivery);
  const connectS = (performance.now() - connectStarted) / 1000;
  ctx.say(`fanout: ${clients.length} graphql-ws subscribers connected in ${num(connectS)} s`);
  try {
    // A subscription is live once the server has run it; there is no ack for that, so changes are made until
    // one reaches everyone (or stops reaching more), then the measured change follows.
    let live = 0;
    for (let probe = 0; probe < 5; probe++) {
      const got = await change(ctx, id, delivery, `Fanout probe ${probe}`, 10_000);
      ctx.say(
        `fanout: probe ${probe}: ${got.count} subscribers got it; the mutation took ${num(got.mutationMs)} ms, ` +
          `/healthz up to ${num(got.stall)} ms`,
      );
      await settled();
      if (got.count === n || got.count <= live) {
        live = got.count;
        break;
      }
      live = got.count;
    }
    const measured = await change(ctx, id, delivery, 'Fanout measured', 30_000);
    const latencies = Array.from(delivery.at)
      .filter((t) => Number.isFinite(t))
      .map((t) => t - measured.sentAt);
    const first = Math.min(...latencies);
    const spread = latencies.map((l) => l - first);
    // Our clients go before the baseline's connect: both sets at once would take twice the file descriptors.
    await disconnect(clients);
    const baseline = await bareBroadcast(ctx, n, delivery.first?.message);
    // The status's updatedAt is stamped by the api process in the mutation's transaction (same clock as ours).
    const stamped = Date.parse(delivery.first?.message.data?.syncStatusChanged.updatedAt ?? '');
    const afterCommit = delivery.first ? delivery.first.wallMs - stamped : NaN;
    // When the relay took the status events (its batch's now()), to split that time at Kafka.
    const published = await scalar(
      ctx,
      `select extract(epoch from min(published_at)) * 1000 as n from outbox_event
        where key = $1 and type = 'sync.status.changed' and created_at >= to_timestamp($2 / 1000.0)`,
      [id, measured.sentWall],
    );
    const relayMs = published - stamped;
    const feedMs = delivery.first ? delivery.first.wallMs - published : NaN;
    // Each subscriber's delivery counted from the relay's publish (its batch's start, on the same clock).
    const publishedAt = measured.sentAt + (published - measured.sentWall);
    const fromPublish = Array.from(delivery.at)
      .filter((t) => Number.isFinite(t))
      .map((t) => t - publishedAt);
    ctx.say(`fanout: ${latencies.length}/${n} got the change, p99 ${num(percentile(latencies, 99))} ms`);
    ctx.notes.push(
      `- fan-out: ${n} graphql-ws clients connected in ${num(connectS)} s (${CONNECTING} connecting at a time); ` +
        `${latencies.length} got the measured change: from the mutation's send, p50 ${num(percentile(latencies, 50))} ` +
        `ms, p99 ${num(percentile(latencies, 99))} ms, first ${num(first)} ms (the mutation took ${num(measured.mutationMs)} ` +
        `ms; from the status's updatedAt to the first subscriber ${num(afterCommit)} ms: ${num(relayMs)} ms until the ` +
        `relay's batch began, ${num(feedMs)} ms from there through Kafka and the api's feed; the api answered /healthz in up ` +
        `to ${num(measured.stall)} ms meanwhile); from the ` +
        `first subscriber to each, p50 ${num(percentile(spread, 50))} ms, p99 ${num(percentile(spread, 99))} ms; from ` +
        `the relay's publish p50 ${num(percentile(fromPublish, 50))} ms, p99 ${num(percentile(fromPublish, 99))} ms. ` +
        `Bare ws broadcast to ${baseline.count}: from the trigger p50 ${num(percentile(baseline.latencies, 50))} ms, ` +
        `p99 ${num(percentile(baseline.latencies, 99))} ms; first to each p50 ${num(percentile(baseline.spread, 50))} ` +
        `ms, p99 ${num(percentile(baseline.spread, 99))} ms.`,
    );
    return [
      {
        stage: 'graphql-ws subscribers on one API instance, all served',
        ours:
          `${latencies.length} of ${n} got the change, p99 ${num(percentile(latencies, 99))} ms after the mutation; ` +
          `/healthz stalled up to ${num(measured.stall)} ms`,
        baseline: '—',
        value: latencies.length,
        goal: { op: '>=', value: 10_000, text: '≥ 10,000' },
      },
      {
        stage: `subscription delivery p99 to ${n} subscribers`,
        ours: `${num(percentile(fromPublish, 99))} ms from the relay's publish (Kafka and the api's feed included)`,
        baseline: `${num(percentile(baseline.latencies, 99))} ms (bare ws broadcast, from the trigger)`,
        value: ratio(percentile(fromPublish, 99), percentile(baseline.latencies, 99)),
      },
    ];
  } finally {
    await disconnect(clients);
  }
};

/** Sockets of our clients not closed yet (dispose() only starts the close handshake). */
const open = { count: 0 };

async function disconnect(clients: Client[]): Promise<void> {
  const all = clients.splice(0);
  await runPool(all.length, 500, async (i) => {
    await all[i]!.dispose();
  });
  const started = performance.now();
  while (open.count > 0 && performance.now() - started < 30_000) await sleep(50);
}

async function connectSubscribers(ctx: StageContext, n: number, id: string, delivery: Delivery): Promise<Client[]> {
  const url = `${ctx.stack.apiUrl.replace('http', 'ws')}/graphql`;
  const clients: Client[] = [];
  await runPool(
    n,
    CONNECTING,
    async (k) => {
      const client = await new Promise<Client>((resolve, reject) => {
        const c: Client = createClient({
          url,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          on: { connected: () => resolve(c), closed: () => open.count-- },
          onNonLazyError: reject,
        });
      });
      clients.push(client);
      open.count++;
      client.subscribe<{ syncStatusChanged: { targetVersion: number } }>(
        { query: SUBSCRIPTION, variables: { id } },
        {
          next: (message) => {
            if (message.data?.syncStatusChanged.targetVersion !== delivery.version) return;
            if (Number.isNaN(delivery.at[k]!)) delivery.at[k] = performance.now();
            delivery.first ??= { message: message as NonNullable<Delivery['first']>['message'], wallMs: Date.now() };
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    },
    ctx.deadline,
  );
  return clients;
}

/** Updates the customer and waits (up to `timeoutMs`) until every subscriber has its new version's status. */
async function change(ctx: StageContext, id: string, delivery: Delivery, name: string, timeoutMs: number) {
  const current = await scalar(ctx, 'select version as n from customer where id = $1', [id]);
  delivery.at.fill(NaN);
  delivery.first = undefined;
  delivery.version = current + 1;
  // How long the api takes to answer /healthz meanwhile: its event loop's stalls.
  let stall = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const t0 = performance.now();
      await request(`${ctx.stack.apiUrl}/healthz`).catch(() => undefined);
      stall = Math.max(stall, performance.now() - t0);
      await sleep(20);
    }
  })();
  const sentAt = performance.now();
  const sentWall = Date.now();
  await gql(ctx.stack.apiUrl, UPDATE, { id, n: name });
  const mutationMs = performance.now() - sentAt;
  const count = () => delivery.at.reduce((sum, t) => sum + (Number.isNaN(t) ? 0 : 1), 0);
  while (count() < delivery.at.length && performance.now() - sentAt < timeoutMs) {
    ctx.deadline.check('waiting for the fan-out');
    await sleep(20);
  }
  watching = false;
  await watcher;
  return { sentAt, sentWall, mutationMs, stall, count: count() };
}

/** Until the api answers /healthz within 25 ms three times in a row (at most 60 s): nothing left to fan out. */
async function apiIdle(ctx: StageContext): Promise<void> {
  let fast = 0;
  const started = performance.now();
  while (fast < 3 && performance.now() - started < 60_000) {
    const t0 = performance.now();
    await request(`${ctx.stack.apiUrl}/healthz`);
    fast = performance.now() - t0 < 25 ? fast + 1 : 0;
    await sleep(50);
  }
}

async function bareBroadcast(ctx: StageContext, n: number, sample: unknown) {
  const port = await freePort();
  const server = spawnNode('bare-ws', 'bench/servers/bare-ws.js', [], { PORT: String(port) });
  const sockets: WebSocket[] = [];
  const at = new Float64Array(n).fill(NaN);
  try {
    await waitHttp(server, `http://127.0.0.1:${port}/`);
    await runPool(
      n,
      CONNECTING,
      async (k) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
        sockets.push(ws);
        ws.on('message', () => {
          if (Number.isNaN(at[k]!)) at[k] = performance.now();
        });
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
      },
      ctx.deadline,
    );
    const body = JSON.stringify(sample ?? { type: 'next', payload: {} });
    const sentAt = performance.now();
    await request(`http://127.0.0.1:${port}/broadcast`, { method: 'POST', body });
    const started = performance.now();
    while (at.some((t) => Number.isNaN(t)) && performance.now() - started < 30_000) await sleep(20);
    const latencies = Array.from(at)
      .filter((t) => Number.isFinite(t))
      .map((t) => t - sentAt);
    const first = Math.min(...latencies);
    return { latencies, spread: latencies.map((l) => l - first), count: latencies.length };
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.stop();
  }
}
