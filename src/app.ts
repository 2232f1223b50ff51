import type { Config } from './config.js';
import { createOrm, migrate, type Orm } from './db/orm.js';
import { CustomerService } from './domain/customer-service.js';
import { createKafkaTransport, type KafkaTransport, type Subscription } from './events/kafka.js';
import { OutboxRelay } from './events/outbox-relay.js';
import { ALL_TOPICS } from './events/topics.js';
import type { Services } from './graphql/context.js';
import { createSyncStatusPubSub } from './graphql/pubsub.js';
import { buildAppSchema } from './graphql/schema.js';
import { startHttpServer, type HttpServer } from './http/app.js';
import type { Logger } from './logger.js';
import { startSyncStatusFeed } from './workers/sync-status-feed.js';

export type Role = 'api' | 'worker' | 'relay' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'relay', 'all'];

export interface RunningApp {
  orm: Orm;
  kafka: KafkaTransport;
  http?: HttpServer;
  relay?: OutboxRelay;
  stop(): Promise<void>;
}

/**
 * Wires one process for a role: `api` serves GraphQL/webhooks/health, `relay` publishes the outbox, `worker`
 * runs the provider connectors, `all` does everything (local development, small installs).
 */
export async function startApp(config: Config, role: Role, logger: Logger): Promise<RunningApp> {
  const orm = await createOrm(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const kafka = createKafkaTransport({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, logger });
  const stops: Array<() => Promise<void>> = [];
  const stopping = (name: string, fn: () => Promise<void>) => async () => {
    logger.debug('stopping', { component: name });
    await fn();
  };
  try {
    await migrate(orm);
    await kafka.ensureTopics(ALL_TOPICS, config.KAFKA_TOPIC_PARTITIONS);

    let relay: OutboxRelay | undefined;
    if (role === 'relay' || role === 'all') {
      relay = new OutboxRelay(orm, kafka, logger.child({ component: 'outbox-relay' }), {
        batchSize: config.OUTBOX_BATCH_SIZE,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      });
      relay.start();
      stops.push(stopping('outbox-relay', () => relay!.stop()));
    }

    let http: HttpServer | undefined;
    if (role === 'api' || role === 'all') {
      const pubSub = createSyncStatusPubSub();
      const feed: Subscription = await startSyncStatusFeed(
        kafka,
        pubSub,
        logger.child({ component: 'sync-status-feed' }),
      );
      stops.push(stopping('sync-status-feed', () => feed.stop()));
      const services: Services = {
        customers: new CustomerService(config.SYNC_PROVIDERS),
        afterCommit: () => relay?.nudge(),
      };
      http = await startHttpServer({
        host: config.HOST,
        port: config.PORT,
        orm,
        kafka,
        schema: await buildAppSchema(pubSub),
        services,
        logger,
      });
      stops.push(stopping('http', () => http!.close()));
    }

    return {
      orm,
      kafka,
      ...(http ? { http } : {}),
      ...(relay ? { relay } : {}),
      async stop() {
        for (const stop of stops.reverse())
          await stop().catch((error: unknown) => logger.warn('stop failed', { error }));
        await kafka.close();
        await orm.close(true);
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await kafka.close();
    await orm.close(true);
    throw err;
  }
}
