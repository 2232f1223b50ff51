/**
 * The Kafka transport: the only module that imports kafkajs (lint enforces it). The rest of the code publishes
 * and consumes through these small interfaces, so tests and callers never depend on client details.
 */
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type ConsumerRunConfig,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import type { Logger } from '../core/logger.js';
import { WriteGatherer } from './write-gatherer.js';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Thrown by a handler to have the same message handed to it again after `ms`. The wait happens in the transport
 * (heartbeating), so it holds back only this partition and costs none of kafkajs's crash-restart retries.
 */
export class DelayDelivery extends Error {
  constructor(readonly ms: number) {
    super(`delivery delayed by ${ms} ms`);
  }
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /**
   * Commit the position at most this often, instead of after every fetched batch (kafkajs's way, each commit a
   * write on the broker). After a rejoin the consumer resumes from the last commit, so up to this many
   * milliseconds of messages come again: for a feed that shows them (the API's sync status), not for one that
   * acts on them. Default: after every batch.
   */
  commitEveryMs?: number;
  /** Called once per message, in order per partition. Throwing makes the message be redelivered. */
  handle(message: IncomingMessage): Promise<void>;
}

/** Lets a batch handler mark messages done as it goes, so a rebalance mid-batch does not redo finished work. */
export interface BatchProgress {
  /** Marks everything up to and including this offset as processed (committed with the next commit). */
  done(offset: string): void;
  heartbeat(): Promise<void>;
}

export interface SubscribeBatchOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /**
   * Called with the messages fetched together from one partition, in order. If it throws, the whole batch is
   * delivered again; when it resolves, all of it is committed.
   */
  handleBatch(messages: IncomingMessage[], progress: BatchProgress): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface KafkaTransport {
  ensureTopics(topics: readonly string[], partitions: number): Promise<void>;
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  subscribeBatch(options: SubscribeBatchOptions): Promise<Subscription>;
  /** Cheap liveness probe of the cluster for /readyz. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Messages on `topics` that consumer group `groupId` has not marked consumed yet, over all partitions (a group
   * that never committed counts from the start of the log): its lag, for metrics and for tests that wait for quiet.
   */
  lag(groupId: string, topics: readonly string[]): Promise<number>;
  /** How many members consumer group `groupId` has now (0 when it has none or is rebalancing). */
  groupMembers(groupId: string): Promise<number>;
  close(): Promise<void>;
}

/** The most messages one produce request carries (a relay batch is at most OUTBOX_BATCH_SIZE, 1000). */
const MAX_MESSAGES_PER_SEND = 1000;

/**
 * The most bytes (keys, values, headers) one produce request carries. The broker refuses a partition's record
 * batch above message.max.bytes (1 MiB by default), and kafkajs puts all of a request's messages for one partition
 * in one batch: a relay batch of large events must go out as several requests, or it would be refused on every try.
 * https://kafka.apache.org/39/documentation/#brokerconfigs_message.max.bytes
 */
export const MAX_BYTES_PER_SEND = 512 * 1024;

/** Consecutive runs of `messages`, each within MAX_BYTES_PER_SEND (a larger message goes alone), in order. */
export function splitBySize(messages: readonly OutgoingMessage[], maxBytes = MAX_BYTES_PER_SEND): OutgoingMessage[][] {
  const runs: OutgoingMessage[][] = [];
  let run: OutgoingMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    let size = Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
    for (const [k, v] of Object.entries(m.headers ?? {})) size += k.length + Buffer.byteLength(v);
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(m);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Sleeps `ms`, heartbeating every few seconds so the group keeps this member while it waits. */
async function waitWithHeartbeats(ms: number, heartbeat: () => Promise<void>, stop: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stop() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    // A failed heartbeat means the group is rebalancing: give the message back (rethrow) so the partition's next
    // owner handles it, rather than keep working on a partition this member no longer owns.
    await heartbeat();
  }
}

/**
 * Commits a consumer's handled positions at most once every `everyMs` (the first at once), instead of after every
 * fetched batch. A failed commit is retried with the next one; what it would have saved comes again after a rejoin.
 */
class ThrottledCommits {
  private readonly positions = new Map<string, { topic: string; partition: number; offset: string }>();
  private committedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  /** `offset` was handled: the committed position becomes the one after it. */
  handled(topic: string, partition: number, offset: string): void {
    this.positions.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.committedAt + this.everyMs - Date.now()));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    this.committedAt = Date.now();
    const offsets = [...this.positions.values()];
    this.positions.clear();
    this.consumer.commitOffsets(offsets).catch((error: unknown) => {
      // Kept for the next commit unless a newer position of the same partition came meanwhile.
      for (const o of offsets) {
        const key = `${o.topic}:${o.partition}`;
        if (!this.positions.has(key)) this.positions.set(key, o);
      }
      this.log.debug('could not commit consumer positions; trying again', { error });
      this.schedule();
    });
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString(),
    value: message.value,
    headers: headersOf(message.headers as Record<string, unknown> | undefined),
  };
}

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) if (v !== undefined) out[k] = String(v);
  return out;
}

export function createKafkaTransport(opts: {
  brokers: string[];
  clientId: string;
  logger: Logger;
  sessionTimeoutMs?: number;
}): KafkaTransport {
  const log = opts.logger.child({ component: 'kafka' });
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3000,
    // Short client-side retries: callers (the outbox relay, consumers) own the long-running retry loops.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer | undefined;
  let producerReady: Promise<Producer> | undefined;
  const consumers = new Set<Consumer>();
  // Concurrent publishes (one per webhook request, the relay's batches) share produce requests: with an idempotent
  // producer only one request is in flight, so a send each would queue them one by one. A lone publish still goes
  // out at once; those made while a send is in flight go together after it. Each caller's promise settles with
  // the send that carried its messages.
  const sends = new WriteGatherer<OutgoingMessage>((ms) => publishNow(ms), MAX_MESSAGES_PER_SEND, 0);
  let admin: Admin | undefined;

  async function getAdmin(): Promise<Admin> {
    if (!admin) {
      const a = kafka.admin();
      await a.connect();
      admin = a;
    }
    return admin;
  }

  async function getProducer(): Promise<Producer> {
    if (!producerReady) {
      const p = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        // Idempotent producer: broker-side dedupe of retried sends, in order per partition.
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      producerReady = p.connect().then(
        () => {
          producer = p;
          return p;
        },
        (err: unknown) => {
          producerReady = undefined;
          throw err;
        },
      );
    }
    return producerReady;
  }

  async function startConsumer(
    groupId: string,
    topics: string[],
    fromBeginning: boolean,
    control: { stopping: boolean },
    run: ConsumerRunConfig | ((consumer: Consumer) => ConsumerRunConfig),
  ): Promise<Subscription> {
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // Longer than the slowest handler (a provider call times out after 10 s), so a slow call does not get the
      // member evicted and its partitions handed to another instance mid-message. The cost: a consumer that
      // restarts waits up to this long for its old membership to expire.
      sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      // An idle fetch returns after this long; disconnect waits for it, so it bounds shutdown time per consumer.
      maxWaitTimeInMs: 1000,
    });
    consumers.add(consumer);
    // Resolve only once the group has assigned partitions, so callers know messages published from now on
    // (or from the beginning) will be seen.
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error: Error; restart: boolean };
      // kafkajs restarts the consumer after retriable crashes; anything else stops it for good: say so loudly.
      (restart ? log.warn : log.error)('kafka consumer crashed', { groupId, restart, error });
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    const started = Date.now();
    // Partitions are handled concurrently (order holds within each): one slow or waiting partition does not
    // hold back the others.
    await consumer.run({ partitionsConsumedConcurrently: 3, ...(typeof run === 'function' ? run(consumer) : run) });
    await joined;
    log.debug('consumer joined group', { groupId, ms: Date.now() - started });
    return {
      async stop() {
        control.stopping = true;
        consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async function publishNow(messages: OutgoingMessage[]): Promise<void> {
    const p = await getProducer();
    try {
      // One request after another, so the order of messages holds across them.
      for (const run of splitBySize(messages)) {
        const byTopic = new Map<string, OutgoingMessage[]>();
        for (const m of run) {
          const list = byTopic.get(m.topic) ?? [];
          list.push(m);
          byTopic.set(m.topic, list);
        }
        await p.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, ms]) => ({
            topic,
            messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
          })),
        });
      }
    } catch (err) {
      // A failed producer may hold a broken connection; rebuild it on the next publish.
      producerReady = undefined;
      producer = undefined;
      await p.disconnect().catch(() => undefined);
      throw err;
    }
  }

  return {
    async ensureTopics(topics, partitions) {
      const a = await getAdmin();
      const existing = new Set(await a.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await a.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
      });
      log.info('created topics', { topics: missing });
    },

    publish(messages) {
      return sends.add(messages);
    },

    async subscribe({ groupId, topics, fromBeginning = false, commitEveryMs, handle }) {
      const control = { stopping: false };
      let committer: ThrottledCommits | undefined;
      const sub = await startConsumer(groupId, topics, fromBeginning, control, (consumer) => {
        if (commitEveryMs !== undefined) committer = new ThrottledCommits(consumer, commitEveryMs, log);
        return {
          autoCommit: !committer,
          eachMessage: async ({ topic, partition, message, heartbeat }) => {
            const incoming = toIncoming(topic, partition, message);
            for (;;) {
              try {
                await handle(incoming);
                committer?.handled(topic, partition, message.offset);
                return;
              } catch (err) {
                if (!(err instanceof DelayDelivery)) {
                  log.warn('message handler failed; the message will be redelivered', {
                    groupId,
                    topic,
                    partition,
                    error: err,
                  });
                  throw err;
                }
                // Wait here (heartbeating) and hand the same message over again. Throwing instead would count
                // against kafkajs's consumer retries, and after a few delays crash and restart the consumer.
                await waitWithHeartbeats(err.ms, heartbeat, () => control.stopping);
                if (control.stopping) throw err;
              }
            }
          },
        };
      });
      return {
        async stop() {
          committer?.close();
          await sub.stop();
        },
      };
    },

    async subscribeBatch({ groupId, topics, fromBeginning = false, handleBatch }) {
      return startConsumer(
        groupId,
        topics,
        fromBeginning,
        { stopping: false },
        {
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
            try {
              await handleBatch(
                batch.messages.map((m) => toIncoming(batch.topic, batch.partition, m)),
                { done: (offset) => resolveOffset(offset), heartbeat },
              );
            } catch (err) {
              log.warn('batch handler failed; the batch will be redelivered', {
                groupId,
                topic: batch.topic,
                error: err,
              });
              throw err;
            }
            await heartbeat();
          },
        },
      );
    },

    async ping(timeoutMs = 2000) {
      const probe = (async () => {
        const a = await getAdmin();
        await a.describeCluster();
        return true;
      })();
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
      return Promise.race([probe.catch(() => false), timeout]);
    },

    async groupMembers(groupId) {
      const { groups } = await (await getAdmin()).describeGroups([groupId]);
      const group = groups.find((g) => g.groupId === groupId);
      return group?.state === 'Stable' ? group.members.length : 0;
    },

    async lag(groupId, topics) {
      const a = await getAdmin();
      let total = 0;
      for (const { topic, partitions } of await a.fetchOffsets({ groupId, topics: [...topics] })) {
        for (const end of await a.fetchTopicOffsets(topic)) {
          const committed = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          total += Math.max(0, Number(end.high) - (committed >= 0 ? committed : Number(end.low)));
        }
      }
      return total;
    },

    async close() {
      await Promise.allSettled([...consumers].map((c) => c.disconnect()));
      consumers.clear();
      if (producer) await producer.disconnect().catch(() => undefined);
      producer = undefined;
      producerReady = undefined;
      if (admin) await admin.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
