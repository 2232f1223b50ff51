import path from 'node:path';
import type { Config } from './config.js';
import type { Logger } from './core/logger.js';
import type { ProviderConnection, ProviderPlugin } from './core/provider.js';
import { allTopics, providerTopics } from './core/topics.js';
import { Backfill } from './engine/backfill.js';
import { Catalogs } from './engine/catalogs.js';
import { CatalogChanges } from './engine/changes.js';
import { createContext, type Services } from './engine/graphql/context.js';
import { createSyncStatusPubSub } from './engine/graphql/pubsub.js';
import { InboundWorker } from './engine/inbound-worker.js';
import { shareRateLimits, type RateShare } from './engine/rate-share.js';
import { SyncHistory } from './engine/sync-history.js';
import { OutboundWorker } from './engine/outbound-worker.js';
import { PollRunner } from './engine/poll-runner.js';
import { startSyncStatusFeed } from './engine/sync-status-feed.js';
import { createOrm, migrate, type Orm } from './platform/db/orm.js';
import { ApiAuth } from './platform/http/auth.js';
import { startHttpServer, startOpsServer, type HttpServer } from './platform/http/server.js';
import { createKafkaTransport, type KafkaTransport, type Subscription } from './platform/kafka.js';
import { Metrics, type ConsumerGroup } from './platform/metrics.js';
import { listen, notifyAfterCommit } from './platform/db/notifications.js';
import { OUTBOX_CHANNEL, OutboxRelay } from './platform/outbox-relay.js';
import { catalogDefinitions, entities, providerPlugins } from './registry.js';
import { OutboxEvent } from './engine/entities/index.js';
import { buildAppSchema } from './schema.js';

export type Role = 'api' | 'worker' | 'relay' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'relay', 'all'];

export interface RunningApp {
  orm: Orm;
  kafka: KafkaTransport;
  /** The API server (roles api, all), or the health-and-metrics server (worker, relay). */
  http?: HttpServer;
  metrics: Metrics;
  relay?: OutboxRelay;
  imports?: Backfill;
  inbound: InboundWorker[];
  outbound: OutboundWorker[];
  stop(): Promise<void>;
}

/** The provider plug-ins the app runs: by default the list in src/providers (tests may plug in another). */
export interface AppParts {
  providers: readonly ProviderPlugin[];
}

const DEFAULT_PARTS: AppParts = { providers: providerPlugins };

/** A connection for every provider that is both enabled (SYNC_PROVIDERS) and configured (credentials). */
function connectProviders(
  config: Config,
  plugins: readonly ProviderPlugin[],
  logger: Logger,
  metrics: Metrics,
): Map<string, ProviderConnection> {
  const out = new Map<string, ProviderConnection>();
  for (const plugin of plugins) {
    if (!config.SYNC_PROVIDERS.includes(plugin.id)) continue;
    const own = config.providerConfigs[plugin.id];
    // The config must have been loaded with the same plug-ins (loadConfig(env, plugins)).
    if (!own) throw new Error(`no configuration was parsed for provider ${plugin.id}`);
    const connection = plugin.create(own as never, { logger, metrics: metrics.forProvider(plugin.id) });
    if (connection) out.set(plugin.id, connection);
  }
  return out;
}

/**
 * Wires one process for a role: `api` serves GraphQL/webhooks/health, `relay` publishes the outbox, `worker`
 * runs the sync engine for every configured provider, `all` does everything (local development, small installs).
 */
export async function startApp(
  config: Config,
  role: Role,
  logger: Logger,
  parts: AppParts = DEFAULT_PARTS,
): Promise<RunningApp> {
  const orm = await createOrm(config.DATABASE_URL, entities, config.DATABASE_POOL_MAX);
  const kafka = createKafkaTransport({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
  });
  const metrics = new Metrics();
  const stops: Array<() => Promise<void>> = [];
  const stopping = (name: string, fn: () => Promise<void>) => async () => {
    logger.debug('stopping', { component: name });
    await fn();
  };
  // Commits that add outbox rows wake the relay, in this process or another (it LISTENs).
  notifyAfterCommit(orm, OutboxEvent, OUTBOX_CHANNEL, logger.child({ component: 'outbox-notify' }));
  const catalogs = new Catalogs(catalogDefinitions);
  const providerIds = parts.providers.map((p) => p.id);
  try {
    await migrate(orm);
    await kafka.ensureTopics(allTopics(catalogs.entityTypes, providerIds), config.KAFKA_TOPIC_PARTITIONS);

    let relay: OutboxRelay | undefined;
    if (role === 'relay' || role === 'all') {
      relay = new OutboxRelay(orm, kafka, logger.child({ component: 'outbox-relay' }), {
        batchSize: config.OUTBOX_BATCH_SIZE,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        keepPublishedHours: config.OUTBOX_KEEP_HOURS,
      });
      relay.start();
      stops.push(stopping('outbox-relay', () => relay!.stop()));
      // Commits in other processes (api, worker) wake it through Postgres NOTIFY; the poll stays as a fallback.
      const wake = relay;
      const listener = listen(
        config.DATABASE_URL,
        OUTBOX_CHANNEL,
        () => wake.nudge(),
        logger.child({ component: 'outbox-relay' }),
      );
      stops.push(stopping('outbox-listener', () => listener.close()));
      const outbox = relay;
      metrics.watchOutbox(() => outbox.stats());
    }

    const providers = connectProviders(config, parts.providers, logger, metrics);
    metrics.watchApiUsage(() =>
      [...providers.values()].flatMap((p) => {
        const usage = p.health().apiUsage;
        return usage ? [{ provider: p.id, ...usage }] : [];
      }),
    );
    metrics.watchRateLimits(() =>
      [...providers.values()].flatMap((p) =>
        p.rateLimit ? [{ provider: p.id, perSecond: p.rateLimit.perSecond() }] : [],
      ),
    );
    // Prometheus' scrape credential (METRICS_TOKEN) or any API token; open only when neither is set.
    const metricsEndpoint = {
      metrics,
      auth: new ApiAuth([...(config.METRICS_TOKEN ? [config.METRICS_TOKEN] : []), ...config.API_TOKENS]),
    };
    const changes = new CatalogChanges(
      (entityType) =>
        parts.providers
          .filter((p) => config.SYNC_PROVIDERS.includes(p.id) && p.entityTypes.includes(entityType))
          .map((p) => p.id),
      catalogs,
    );
    const inbound: InboundWorker[] = [];
    const outbound: OutboundWorker[] = [];
    // Consumers still joining their groups (after a crash, a group waits out the dead member's session first):
    // HTTP is up meanwhile, /healthz answers and /readyz names them.
    const joining = new Set<string>();
    const join = async (name: string, start: () => Promise<void>) => {
      joining.add(name);
      await start();
      joining.delete(name);
    };

    let http: HttpServer | undefined;
    let imports: Backfill | undefined;
    let feedPubSub: ReturnType<typeof createSyncStatusPubSub> | undefined;
    if (role === 'api' || role === 'all') {
      const pubSub = createSyncStatusPubSub({ onDrop: () => metrics.subscriptionEventDropped() });
      const afterCommit = () => relay?.nudge();
      if (providers.size > 0) {
        imports = new Backfill(orm, providers, catalogs, changes, logger.child({ component: 'import' }), afterCommit);
        const runner = imports;
        stops.push(stopping('imports', () => runner.idle()));
      }
      const services: Services = {
        catalogs,
        changes,
        imports,
        afterCommit,
        recordUrl: (provider, entityType, externalId) =>
          providers
            .get(provider)
            ?.adapters.find((a) => a.entityType === entityType)
            ?.recordUrl?.(externalId) ?? null,
        providers: () =>
          providerIds.map((id) => {
            const health = providers.get(id)?.health();
            return {
              provider: id,
              enabled: config.SYNC_PROVIDERS.includes(id),
              configured: providers.has(id),
              webhook: health?.webhook ?? false,
              apiUsage: health?.apiUsage ?? null,
              rateLimitPerSecond: providers.get(id)?.rateLimit?.perSecond() ?? null,
            };
          }),
      };
      const auth = new ApiAuth(config.API_TOKENS);
      if (!auth.enabled)
        logger.warn('API_TOKENS is not set: the GraphQL API accepts anyone (fine for local development only)');
      http = await startHttpServer({
        auth,
        host: config.HOST,
        port: config.PORT,
        orm,
        kafka,
        schema: await buildAppSchema(pubSub, providerIds, catalogs.entityTypes),
        introspection: config.GRAPHQL_INTROSPECTION,
        starting: () => [...joining],
        context: () => createContext(orm.em.fork(), services),
        logger,
        metrics: metricsEndpoint,
        ui: { dir: path.resolve(config.UI_DIR), console: config.ADMIN_CONSOLE === 'true', ide: config.GRAPHQL_IDE },
        mount: (app) => {
          for (const provider of providers.values()) {
            if (!provider.webhook) continue;
            const topic = providerTopics(provider.id).inbound;
            app.use(provider.webhook((messages) => kafka.publish(messages.map((m) => ({ topic, ...m })))));
          }
        },
      });
      stops.push(stopping('http', () => http!.close()));
      feedPubSub = pubSub;
    }

    const consumers: Array<Promise<void>> = [];
    if (feedPubSub) {
      const pubSub = feedPubSub;
      consumers.push(
        join('sync-status-feed', async () => {
          const feed: Subscription = await startSyncStatusFeed(
            kafka,
            pubSub,
            logger.child({ component: 'sync-status-feed' }),
          );
          stops.push(stopping('sync-status-feed', () => feed.stop()));
        }),
      );
    }
    if (role === 'worker' || role === 'all') {
      const policy = {
        maxAttempts: config.SYNC_MAX_ATTEMPTS,
        baseDelayMs: config.SYNC_RETRY_BASE_MS,
        maxDelayMs: config.SYNC_RETRY_MAX_MS,
      };
      const groups: ConsumerGroup[] = [];
      // Stopped after the workers (stops run in reverse), so their last outcomes are written.
      const history = new SyncHistory(orm, logger.child({ component: 'sync-history' }), {
        retentionDays: config.SYNC_HISTORY_DAYS,
      });
      stops.push(stopping('sync-history', () => history.close()));
      const shares: RateShare[] = [];
      for (const provider of providers.values()) {
        const linger = config.SYNC_BATCH_LINGER_MS;
        const out = new OutboundWorker(orm, kafka, provider, catalogs, policy, logger, metrics, history, linger);
        const inb = new InboundWorker(orm, kafka, provider, catalogs, changes, logger, metrics, history);
        outbound.push(out);
        inbound.push(inb);
        const [main] = out.consumerGroups();
        if (provider.rateLimit && main)
          shares.push({ provider: provider.id, rateLimit: provider.rateLimit, groupId: main.groupId });
        groups.push(...out.consumerGroups(), ...inb.consumerGroups());
        const workers = { [`outbound-${provider.id}`]: out, [`inbound-${provider.id}`]: inb };
        for (const [name, worker] of Object.entries(workers)) {
          consumers.push(
            join(name, async () => {
              await worker.start();
              stops.push(stopping(name, () => worker.stop()));
            }),
          );
        }
        for (const poller of provider.pollers ?? []) {
          const runner = new PollRunner(
            orm,
            kafka,
            provider.id,
            poller,
            logger.child({ component: 'poller', provider: provider.id }),
          );
          runner.start();
          stops.push(stopping(`poller-${provider.id}-${poller.name}`, () => runner.stop()));
        }
      }
      metrics.watchConsumerLag(groups, (groupId, topics) => kafka.lag(groupId, topics));
      const sharing = shareRateLimits(kafka, shares, logger.child({ component: 'rate-share' }));
      stops.push(stopping('rate-share', async () => sharing.stop()));
    }
    if (!http) {
      // No API here: /healthz, /readyz and /metrics still answer (a worker's metrics live in the worker).
      const ops = await startOpsServer({
        host: config.HOST,
        port: config.PORT,
        orm,
        kafka,
        logger,
        starting: () => [...joining],
        metrics: metricsEndpoint,
      });
      stops.push(stopping('http', () => ops.close()));
      http = ops;
    }

    // Every group joins at once: after a crash each waits out its dead member's session, in parallel.
    const started = await Promise.allSettled(consumers);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    return {
      orm,
      kafka,
      ...(http ? { http } : {}),
      metrics,
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
