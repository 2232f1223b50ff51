import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../../core/logger.js';
import { formatError, unavailableStatusPlugin } from '../graphql/errors.js';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule, tokenLimitError, type QueryLimits } from '../graphql/limits.js';
import type { KafkaTransport } from '../kafka.js';
import type { Metrics } from '../metrics.js';
import type { ApiAuth } from './auth.js';
import { healthRoutes } from './health.js';
import { metricsRoute } from './metrics-route.js';
import { uiRoutes, type UiOptions } from './ui-routes.js';

export interface HttpServer {
  url: string;
  port: number;
  app: express.Express;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  orm: Orm;
  kafka: KafkaTransport;
  schema: GraphQLSchema;
  /** A fresh context per HTTP request and per subscription operation (its own EntityManager fork). */
  context: () => object;
  logger: Logger;
  auth: ApiAuth;
  /** Extra routes (provider webhooks) mounted before the JSON body parser, since they need the raw body. */
  mount?: (app: express.Express) => void;
  /** What one operation may ask for (depth, aliases, cost, tokens); see src/platform/graphql/limits.ts. */
  limits?: QueryLimits;
  /** Schema introspection (and so the Sandbox's schema view); off in production unless asked for. */
  introspection?: boolean;
  /** Parts of the process still starting: /readyz answers 503 naming them (see health.ts). */
  starting?: () => readonly string[];
  /** GET /metrics, behind its own auth (see metrics-route.ts). */
  metrics?: MetricsEndpoint;
  /** The browser apps (admin console, GraphQL IDE); none when absent. */
  ui?: UiOptions;
}

export interface MetricsEndpoint {
  metrics: Metrics;
  auth: ApiAuth;
}

/** The largest GraphQL-over-HTTP body and WebSocket message accepted; both are refused before being parsed. */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

/** One HTTP server: GraphQL over HTTP and WebSocket (graphql-ws) on /graphql, webhooks, health. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const limits = opts.limits ?? DEFAULT_QUERY_LIMITS;
  const rules = [...specifiedRules, queryLimitsRule(limits)];
  // ws reads a frame's length from its header and closes the socket (1009) before buffering a larger one, so an
  // unauthenticated client cannot make us hold a big message before connection_init is checked.
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_WS_MESSAGE_BYTES });
  const wsCleanup = useServer(
    {
      schema: opts.schema,
      // graphql-ws carries credentials in the connection_init payload: { authorization: 'Bearer <token>' }.
      onConnect: (ctx) => opts.auth.check(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization),
      // The same token, depth, alias and cost limits as over HTTP, and each operation its own context (and
      // EntityManager fork).
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (err) {
          return [(err instanceof GraphQLError && tokenLimitError(err.message, limits)) || (err as GraphQLError)];
        }
        const errors = validate(opts.schema, document, rules);
        if (errors.length > 0) return errors;
        return {
          schema: opts.schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: opts.context(),
        };
      },
    },
    wss,
  );
  const apollo = new ApolloServer({
    schema: opts.schema,
    formatError: formatError(opts.logger, limits),
    introspection: opts.introspection ?? true,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [queryLimitsRule(limits)],
    // Clients get codes and messages; stacks with our file paths stay in the logs.
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown order (HTTP first, then consumers, Kafka, DB); Apollo's own SIGTERM handler would race it.
    stopOnTerminationSignals: false,
    plugins: [
      unavailableStatusPlugin,
      // The IDE pages are ui-routes.ts' (GraphiQL on GET /graphql, Sandbox on /sandbox), on only when GRAPHQL_IDE.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(healthRoutes(opts.orm, opts.kafka, opts.starting));
  if (opts.metrics) app.use(metricsRoute(opts.metrics.metrics, opts.metrics.auth));
  opts.mount?.(app);
  // Before /graphql: the IDE page a browser gets there needs no token (ui-routes.ts); every operation does.
  if (opts.ui) app.use(uiRoutes(opts.ui, opts.logger, opts.introspection ?? true));
  app.use(
    '/graphql',
    opts.auth.middleware(),
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, { context: async () => opts.context() }),
  );
  app.use(httpErrors(opts.logger));

  const { url, port } = await listen(server, opts.host, opts.port);
  opts.logger.info('http server listening', { url: `${url}/graphql` });
  return {
    url,
    port,
    app,
    async close() {
      await apollo.stop();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * For processes without the API (roles `worker` and `relay`): /healthz, /readyz and /metrics only, on HOST:PORT.
 */
export async function startOpsServer(
  opts: Pick<HttpServerOptions, 'host' | 'port' | 'orm' | 'kafka' | 'logger' | 'starting'> & {
    metrics: MetricsEndpoint;
  },
): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(opts.orm, opts.kafka, opts.starting));
  app.use(metricsRoute(opts.metrics.metrics, opts.metrics.auth));
  app.use(httpErrors(opts.logger));
  const server = http.createServer(app);
  const { url, port } = await listen(server, opts.host, opts.port);
  opts.logger.info('http server listening (health and metrics)', { url });
  return {
    url,
    port,
    app,
    close: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections(); // Prometheus keeps its connection open between scrapes
      await closed;
    },
  };
}

async function listen(server: http.Server, host: string, wanted: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port };
}

/**
 * Errors raised before GraphQL sees a request (body parsers: too large, malformed JSON, bad encoding) answered as
 * JSON with the status and a reason; Express's default page would carry a stack trace with our file paths.
 */
function httpErrors(logger: Logger): express.ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown; message?: unknown };
    const status = Number(e.status ?? e.statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 500) {
      const reason = e.expose === true && typeof e.message === 'string' ? e.message : 'bad request';
      res.status(status).json({ error: typeof e.type === 'string' ? e.type : 'bad_request', reason });
      return;
    }
    logger.error('unhandled error in HTTP request', { error: err, path: req.path });
    res.status(500).json({ error: 'internal', reason: 'internal server error' });
  };
}
