// The outbox relay (its own process) draining the backlog the mutations left, against a raw kafkajs producer
// sending the same messages (topics mirrored as bench.<topic>, same keys, values and headers, same partitions) in
// batches of the relay's size, with the producer settings of src/platform/kafka.ts, to the same broker.
// eslint-disable-next-line no-restricted-imports -- the baseline is kafkajs itself, without our transport
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { scalar, type Stage, type StageContext } from '../lib/context.js';
import { until } from '../lib/deadline.js';
import { EMPTY, resetStatements, statementsByRole, topLines } from '../lib/pg-stats.js';
import { DATABASE } from '../lib/stack.js';
import { num, ratio } from '../lib/table.js';

/** OUTBOX_BATCH_SIZE as the relay process gets it (it inherits the bench's environment); its default is 500. */
const BATCH = Number(process.env.OUTBOX_BATCH_SIZE ?? 500);

export const relayStage: Stage = async (ctx) => {
  const { stack } = ctx;
  await stack.stop('worker');
  const unpublished = 'select count(*) as n from outbox_event where published_at is null';
  const backlog = await scalar(ctx, unpublished);
  if (backlog === 0) throw new Error('no outbox backlog to drain (run the mutations stage first)');
  const stageStart = new Date(Date.now() - 1000);
  await resetStatements(stack.probe);
  ctx.say(`relay: draining ${backlog} outbox events`);
  await stack.start('relay');
  await until(ctx.deadline, 'the outbox to drain', async () => (await scalar(ctx, unpublished)) === 0);
  const statements = (await statementsByRole(stack.probe, DATABASE)).get('bench_relay') ?? EMPTY;

  // Each batch's rows share published_at: statement_timestamp() of the statement claiming them, which runs while the
  // batch before goes out, so t[k+1] - t[k] is one batch's turn. The rate is over the batches from the third to the
  // one before the last: the second was claimed while the first connected the producer.
  const { rows } = await stack.probe.query<{ t: Date; n: string }>(
    `select published_at as t, count(*) as n from outbox_event where published_at >= $1 group by 1 order by 1`,
    [stageStart],
  );
  const batches = rows.map((r) => ({ t: r.t.getTime(), n: Number(r.n) }));
  const published = batches.reduce((sum, b) => sum + b.n, 0);
  const inner = batches.slice(2, -1);
  const spanMs = batches.length >= 4 ? batches[batches.length - 1]!.t - batches[2]!.t : 0;
  const oursRate = spanMs > 0 ? (inner.reduce((sum, b) => sum + b.n, 0) / spanMs) * 1000 : NaN;
  ctx.say(`relay: ${published} events at ${num(oursRate)}/s`);

  const baseline = await rawProducer(ctx, stageStart);
  ctx.say(`relay: raw kafkajs producer ${num(baseline.rate)}/s`);
  ctx.notes.push(
    `- relay: ${published} outbox events (${num(baseline.bytes / published)} bytes each on average), batches of ` +
      `${BATCH}; ${num(statements.calls / published)} SQL statements per event from the relay role. Top:`,
    ...topLines(statements, published, 'event', 3),
  );
  return [
    {
      stage: 'outbox relay events/s',
      ours: `${num(oursRate)}/s`,
      baseline: `${num(baseline.rate)}/s (raw kafkajs producer)`,
      value: ratio(oursRate, baseline.rate),
      goal: { op: '>=', value: 0.5 },
    },
  ];
};

interface Message {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

async function rawProducer(ctx: StageContext, since: Date) {
  const { rows } = await ctx.stack.probe.query<{
    topic: string;
    key: string;
    id: string;
    type: string;
    payload: unknown;
  }>('select topic, key, id, type, payload from outbox_event where published_at >= $1 order by seq', [since]);
  const messages: Message[] = rows.map((r) => ({
    topic: `bench.${r.topic}`,
    key: r.key,
    value: JSON.stringify(r.payload),
    headers: { 'event-id': r.id, 'event-type': r.type },
  }));
  const kafka = new Kafka({
    clientId: 'bench-baseline',
    brokers: [ctx.stack.kafka.brokers],
    connectionTimeout: 3000,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = [...new Set(messages.map((m) => m.topic))];
  const existing = new Set(await admin.listTopics());
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
  });
  await admin.disconnect();
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const send = async (batch: Message[]) => {
      const byTopic = new Map<string, Message[]>();
      for (const m of batch) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({
          topic,
          messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    };
    await send(messages.slice(0, BATCH)); // warm-up: metadata and producer id, as the relay's first batch had
    const started = performance.now();
    for (let i = 0; i < messages.length; i += BATCH) {
      ctx.deadline.check('sending the baseline batches');
      await send(messages.slice(i, i + BATCH));
    }
    const rate = messages.length / ((performance.now() - started) / 1000);
    return { rate, bytes: messages.reduce((sum, m) => sum + m.value.length, 0) };
  } finally {
    await producer.disconnect();
  }
}
