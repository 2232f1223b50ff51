// Webhook ingest: signed Stripe events POSTed to our /webhooks/stripe (the api role, its own process: verify,
// queue to Kafka, answer) against a bare node:http endpoint that only answers 200 (its own process), the same
// requests, keep-alive, BENCH_WEBHOOK_CONCURRENCY in flight, two alternating rounds each. The worker is stopped:
// the events (copies of ones already applied) wait in Kafka and are deduplicated when it starts again.
import { freePort } from '../../scripts/lib/services.mjs';
import type { Stage, StageContext } from '../lib/context.js';
import { postStripeEvent } from '../lib/emulators.js';
import { runPool } from '../lib/http.js';
import { spawnNode, waitHttp } from '../lib/processes.js';
import { mean } from '../lib/stats.js';
import { num, ratio } from '../lib/table.js';

export const ingestStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay']);
  const bodies = (await eventBodies(ctx)).map((e) => JSON.stringify(e));
  const port = await freePort();
  const bare = spawnNode('bare-http', 'bench/servers/bare-http.js', [], { PORT: String(port) });
  const bareUrl = `http://127.0.0.1:${port}/webhooks/stripe`;
  const oursUrl = `${stack.apiUrl}/webhooks/stripe`;
  let refused = 0;
  const run = async (url: string, n: number) => {
    const started = performance.now();
    await runPool(
      n,
      knobs.webhookConcurrency,
      async (i) => {
        const res = await postStripeEvent(url, bodies[i % bodies.length]!);
        if (res.status !== 200) refused++;
      },
      ctx.deadline,
    );
    return n / ((performance.now() - started) / 1000);
  };
  try {
    await waitHttp(bare, bareUrl);
    await run(bareUrl, 200);
    await run(oursUrl, 200);
    refused = 0;
    const bareRates: number[] = [];
    const oursRates: number[] = [];
    for (const order of [
      ['bare', 'ours'],
      ['ours', 'bare'],
    ]) {
      for (const who of order) {
        if (who === 'bare') bareRates.push(await run(bareUrl, knobs.webhooks));
        else oursRates.push(await run(oursUrl, knobs.webhooks));
      }
    }
    const ours = mean(oursRates);
    const baseline = mean(bareRates);
    ctx.say(`ingest: ours ${num(ours)} req/s, bare ${num(baseline)} req/s`);
    ctx.notes.push(
      `- webhook ingest: ${knobs.webhooks} signed events per run (${bodies.length} distinct, ` +
        `${num(mean(bodies.map((b) => b.length)))} bytes on average), ${knobs.webhookConcurrency} in flight; runs: ` +
        `ours ${oursRates.map(num).join(', ')} req/s, bare ${bareRates.map(num).join(', ')} req/s` +
        (refused > 0 ? `; ${refused} requests not answered 200` : '') +
        '.',
    );
    return [
      {
        stage: 'webhook ingest req/s (/webhooks/stripe)',
        ours: `${num(ours)}/s`,
        baseline: `${num(baseline)}/s (bare node:http 200)`,
        value: refused === 0 ? ratio(ours, baseline) : NaN,
        valueText: refused === 0 ? undefined : `${refused} refused`,
        goal: { op: '>=', value: 0.5 },
      },
    ];
  } finally {
    await bare.stop();
  }
};

/** Events already delivered to us (their copies are duplicates, cheap to drop later); else new ones. */
async function eventBodies(ctx: StageContext): Promise<unknown[]> {
  const delivered = await ctx.stack.stripe.deliveredEvents();
  if (delivered.length > 0) return delivered;
  const since = Math.floor(Date.now() / 1000) - 1;
  const tag = Date.now();
  await ctx.stack.stripe.createCustomers(
    20,
    (i) => `Ingest ${i}`,
    (i) => `ingest-${tag}-${i}@bench.example`,
  );
  return ctx.stack.stripe.eventsSince(since);
}
