// Waiting for the pipeline to go quiet between stages, so one stage's leftovers do not load the next: no outbox
// row unpublished, no sync state PENDING or SYNCING, and every consumer group caught up (read with kafkajs' admin
// client: committed offsets against each partition's end).
// eslint-disable-next-line no-restricted-imports -- the bench reads consumer lag from outside our processes
import { Kafka, logLevel } from 'kafkajs';
import { scalar, type StageContext } from './context.js';
import { until } from './deadline.js';

export async function consumerLag(brokers: string): Promise<number> {
  return [...(await lagByGroup(brokers)).values()].reduce((sum, n) => sum + n, 0);
}

/** Messages not yet committed, per consumer group that has any. */
async function lagByGroup(brokers: string): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'bench-lag', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, Map<number, number>>();
    const endOf = async (topic: string, partition: number) => {
      if (!ends.has(topic)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        ends.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
      }
      return ends.get(topic)!.get(partition) ?? 0;
    };
    const lag = new Map<string, number>();
    const { groups } = await admin.listGroups();
    // The workers' groups; each API instance's sync-status feed has a group of its own that a stopped one leaves behind.
    for (const { groupId } of groups.filter((g) => !g.groupId.startsWith('catalog-sync-api-'))) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        for (const { partition, offset } of partitions) {
          // -1: nothing committed yet on that partition (a group that joined at its end and saw nothing since).
          const behind = Number(offset) >= 0 ? Math.max(0, (await endOf(topic, partition)) - Number(offset)) : 0;
          if (behind > 0) lag.set(groupId, (lag.get(groupId) ?? 0) + behind);
        }
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Waits (at most `timeoutMs`) until nothing is left to do; returns false if it was still busy then. */
export async function waitQuiet(ctx: StageContext, timeoutMs = 60_000): Promise<boolean> {
  let last = '';
  const busy = async () => {
    const outbox = await scalar(ctx, 'select count(*) as n from outbox_event where published_at is null');
    const states = await scalar(ctx, `select count(*) as n from sync_state where state in ('PENDING', 'SYNCING')`);
    const lag = await lagByGroup(ctx.stack.kafka.brokers);
    last =
      `${outbox} outbox rows unpublished, ${states} sync states PENDING or SYNCING, consumer lag ` +
      ([...lag].map(([group, n]) => `${n} (${group})`).join(', ') || '0');
    return outbox + states + [...lag.values()].reduce((sum, n) => sum + n, 0);
  };
  try {
    await until(ctx.deadline, 'the pipeline to go quiet', async () => (await busy()) === 0, {
      everyMs: 500,
      timeoutMs,
    });
    return true;
  } catch (err) {
    if ((err as Error).message.includes('not within')) {
      ctx.say(`  (still busy after ${timeoutMs / 1000} s: ${last}; going on)`);
      return false;
    }
    throw err;
  }
}
