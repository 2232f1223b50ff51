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
import type { Logger } from '../logger.js';

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
 * Thrown by a handler to have the message delivered again after `ms`, without blocking the consumer: the
 * partition is paused and resumed later (the kafkajs pause/resume pattern), other partitions keep flowing.
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
  /** Called once per message, in order per partition. Throwing makes the message be redelivered. */
  handle(message: IncomingMessage): Promise<void>;
}

export interface SubscribeBatchOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /**
   * Called with the messages fetched together from one partition, in order. If it throws, the whole batch is
   * delivered again; when it resolves, all of it is committed.
   */
  handleBatch(messages: IncomingMessage[]): Promise<void>;
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
  close(): Promise<void>;
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

export function createKafkaTransport(opts: { brokers: string[]; clientId: string; logger: Logger }): KafkaTransport {
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
    run: ConsumerRunConfig,
  ): Promise<Subscription> {
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
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
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    const started = Date.now();
    await consumer.run(run);
    await joined;
    log.debug('consumer joined group', { groupId, ms: Date.now() - started });
    return {
      async stop() {
        consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
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

    async publish(messages) {
      if (messages.length === 0) return;
      const p = await getProducer();
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      try {
        await p.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, ms]) => ({
            topic,
            messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
          })),
        });
      } catch (err) {
        // A failed producer may hold a broken connection; rebuild it on the next publish.
        producerReady = undefined;
        producer = undefined;
        await p.disconnect().catch(() => undefined);
        throw err;
      }
    },

    async subscribe({ groupId, topics, fromBeginning = false, handle }) {
      return startConsumer(groupId, topics, fromBeginning, {
        autoCommit: true,
        eachMessage: async ({ topic, partition, message, pause }) => {
          try {
            await handle(toIncoming(topic, partition, message));
          } catch (err) {
            if (err instanceof DelayDelivery) {
              const resume = pause();
              setTimeout(resume, err.ms).unref();
            } else {
              log.warn('message handler failed; the message will be redelivered', {
                groupId,
                topic,
                partition,
                error: err,
              });
            }
            throw err;
          }
        },
      });
    },

    async subscribeBatch({ groupId, topics, fromBeginning = false, handleBatch }) {
      return startConsumer(groupId, topics, fromBeginning, {
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat }) => {
          try {
            await handleBatch(batch.messages.map((m) => toIncoming(batch.topic, batch.partition, m)));
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
      });
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
