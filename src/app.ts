import type { Config } from './config.js';
import { createOrm, migrate, type Orm } from './db/orm.js';
import { CustomerService } from './domain/customer-service.js';
import { ALL_PROVIDERS, Provider } from './domain/enums.js';
import { createKafkaTransport, type KafkaTransport, type Subscription } from './events/kafka.js';
import { OutboxRelay } from './events/outbox-relay.js';
import { ALL_TOPICS } from './events/topics.js';
import type { Services } from './graphql/context.js';
import { createSyncStatusPubSub } from './graphql/pubsub.js';
import { buildAppSchema } from './graphql/schema.js';
import { startHttpServer, type HttpServer } from './http/app.js';
import { ApiAuth } from './http/auth.js';
import type { Logger } from './logger.js';
import { startSyncStatusFeed } from './workers/sync-status-feed.js';
import { createConnectors } from './connectors/registry.js';
import { salesforceWebhookRoute } from './http/webhooks/salesforce.js';
import { stripeWebhookRoute } from './http/webhooks/stripe.js';
import { SalesforcePoller } from './workers/salesforce-poller.js';
import { ImportRunner } from './sync/import-runner.js';
import { InboundWorker } from './workers/inbound-worker.js';
import { OutboundWorker } from './workers/outbound-worker.js';

export type Role = 'api' | 'worker' | 'relay' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'relay', 'all'];

export interface RunningApp {
  orm: Orm;
  kafka: KafkaTransport;
  http?: HttpServer;
  relay?: OutboxRelay;
  imports?: ImportRunner;
  inbound: InboundWorker[];
  outbound: OutboundWorker[];
  stop(): Promise<void>;
}

/**
 * Wires one process for a role: `api` serves GraphQL/webhooks/health, `relay` publishes the outbox, `worker`
 * runs the provider connectors, `all` does everything (local development, small installs).
 */
export async function startApp(config: Config, role: Role, logger: Logger): Promise<RunningApp> {
  const orm = await createOrm(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const kafka = createKafkaTransport({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
  });
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

    const connectors = createConnectors(config, logger);
    const customers = new CustomerService(config.SYNC_PROVIDERS);
    const inbound: InboundWorker[] = [];
    const outbound: OutboundWorker[] = [];
    if (role === 'worker' || role === 'all') {
      const policy = {
        maxAttempts: config.SYNC_MAX_ATTEMPTS,
        baseDelayMs: config.SYNC_RETRY_BASE_MS,
        maxDelayMs: config.SYNC_RETRY_MAX_MS,
      };
      for (const connector of connectors.byProvider.values()) {
        const out = new OutboundWorker(orm, kafka, connector, policy, logger, connector.maxBatchSize);
        await out.start();
        stops.push(stopping(`outbound-${connector.provider}`, () => out.stop()));
        outbound.push(out);
        const inb = new InboundWorker(orm, kafka, connector, customers, logger);
        await inb.start();
        stops.push(stopping(`inbound-${connector.provider}`, () => inb.stop()));
        inbound.push(inb);
      }
      const sf = connectors.salesforce;
      if (sf && config.SALESFORCE_POLL_INTERVAL_MS > 0) {
        const poller = new SalesforcePoller(
          orm,
          kafka,
          sf.conn,
          sf.ready,
          config.SALESFORCE_POLL_INTERVAL_MS,
          logger.child({ component: 'salesforce-poller' }),
        );
        poller.start();
        stops.push(stopping('salesforce-poller', () => poller.stop()));
      }
    }

    let http: HttpServer | undefined;
    let imports: ImportRunner | undefined;
    if (role === 'api' || role === 'all') {
      const pubSub = createSyncStatusPubSub();
      const feed: Subscription = await startSyncStatusFeed(
        kafka,
        pubSub,
        logger.child({ component: 'sync-status-feed' }),
      );
      stops.push(stopping('sync-status-feed', () => feed.stop()));
      const afterCommit = () => relay?.nudge();
      if (connectors.byProvider.size > 0) {
        imports = new ImportRunner(
          orm,
          connectors.byProvider,
          customers,
          logger.child({ component: 'import' }),
          afterCommit,
        );
        const runner = imports;
        stops.push(stopping('imports', () => runner.idle()));
      }
      const services: Services = {
        customers,
        imports,
        afterCommit,
        providers: () =>
          ALL_PROVIDERS.map((provider) => ({
            provider,
            enabled: config.SYNC_PROVIDERS.includes(provider),
            configured: connectors.byProvider.has(provider),
            webhook: provider === Provider.STRIPE ? !!connectors.stripe?.webhookSecret : !!connectors.salesforce?.orgId,
            apiUsage: connectors.byProvider.get(provider)?.apiUsage?.() ?? null,
          })),
      };
      const stripe = connectors.stripe;
      if (stripe && !stripe.webhookSecret)
        logger.warn('STRIPE_WEBHOOK_SECRET is not set: /webhooks/stripe is disabled');
      const salesforce = connectors.salesforce;
      if (salesforce && !salesforce.orgId)
        logger.warn('SALESFORCE_ORG_ID is not set: /webhooks/salesforce is disabled');
      const auth = new ApiAuth(config.API_TOKENS);
      if (!auth.enabled)
        logger.warn('API_TOKENS is not set: the GraphQL API accepts anyone (fine for local development only)');
      http = await startHttpServer({
        auth,
        host: config.HOST,
        port: config.PORT,
        orm,
        kafka,
        schema: await buildAppSchema(pubSub),
        services,
        logger,
        mount: (app) => {
          if (stripe?.webhookSecret) {
            app.use(stripeWebhookRoute({ stripe: stripe.client, secret: stripe.webhookSecret, kafka, logger }));
          }
          if (salesforce?.orgId) app.use(salesforceWebhookRoute({ orgId: salesforce.orgId, kafka, logger }));
        },
      });
      stops.push(stopping('http', () => http!.close()));
    }

    return {
      orm,
      kafka,
      ...(http ? { http } : {}),
      ...(relay ? { relay } : {}),
      ...(imports ? { imports } : {}),
      inbound,
      outbound,
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
