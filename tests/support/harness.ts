import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startApp, type AppParts, type Role, type RunningApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { parseEnvelope, type EventEnvelope } from '../../src/core/envelope.js';
import { createKafkaTransport, type KafkaTransport, type Subscription } from '../../src/platform/kafka.js';
import { createLogger } from '../../src/platform/logger.js';

export const testLogger = createLogger((process.env.TEST_LOG_LEVEL as 'warn' | undefined) ?? 'silent');

/** A fresh database on the test cluster for one suite, so suites never see each other's rows. */
export async function createTestDatabase(baseUrl = process.env.DATABASE_URL!): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestApp {
  app: RunningApp;
  config: Config;
  url: string;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResult<T>>;
  stop(): Promise<void>;
}

export interface GqlResult<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  role: Role = 'all',
  parts?: AppParts,
): Promise<TestApp> {
  const config = loadConfig(
    {
      ...process.env,
      DATABASE_URL: await createTestDatabase(),
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOX_POLL_INTERVAL_MS: '50',
      // Short sessions: suites restart brokers and consumers, and a restarted member waits this long to rejoin.
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      ...env,
    },
    parts?.providers,
  );
  const app = await startApp(config, role, testLogger, parts);
  const url = app.http?.url ?? '';
  return {
    app,
    config,
    url,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
      return { status: res.status, ...body };
    },
    stop: () => app.stop(),
  };
}

/** A test-side Kafka consumer that collects every envelope on the given topics from the beginning. */
export async function collectEvents(
  topics: string[],
  brokers = process.env.KAFKA_BROKERS!,
): Promise<{ events: Array<EventEnvelope & { key: string | undefined }>; stop(): Promise<void> }> {
  const kafka: KafkaTransport = createKafkaTransport({
    brokers: brokers.split(','),
    clientId: 'test-consumer',
    logger: testLogger,
  });
  const events: Array<EventEnvelope & { key: string | undefined }> = [];
  const sub: Subscription = await kafka.subscribe({
    groupId: `test-${randomUUID()}`,
    topics,
    fromBeginning: true,
    async handle(m) {
      const e = parseEnvelope(m.value);
      if (e) events.push({ ...e, key: m.key });
    },
  });
  return {
    events,
    async stop() {
      await sub.stop();
      await kafka.close();
    },
  };
}

export const CUSTOMER_FIELDS = `id name email version createdAt updatedAt deletedAt
  syncStatus { entityType entityId provider state attempts lastError lastSyncedAt externalId targetVersion updatedAt }
  externalMappings { provider externalId }`;
