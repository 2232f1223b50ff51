import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../../core/logger.js';
import { formatError } from '../graphql/errors.js';
import type { KafkaTransport } from '../kafka.js';
import type { ApiAuth } from './auth.js';
import { healthRoutes } from './health.js';

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
}

/** One HTTP server: GraphQL over HTTP and WebSocket (graphql-ws) on /graphql, webhooks, health. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const wsCleanup = useServer(
    {
      schema: opts.schema,
      // graphql-ws carries credentials in the connection_init payload: { authorization: 'Bearer <token>' }.
      onConnect: (ctx) => opts.auth.check(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization),
      // Each subscription operation gets its own context (and EntityManager fork).
      context: () => opts.context(),
    },
    wss,
  );
  const apollo = new ApolloServer({
    schema: opts.schema,
    formatError: formatError(opts.logger),
    introspection: true,
    // main.ts owns shutdown order (HTTP first, then consumers, Kafka, DB); Apollo's own SIGTERM handler would race it.
    stopOnTerminationSignals: false,
    plugins: [
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

  app.use(healthRoutes(opts.orm, opts.kafka));
  opts.mount?.(app);
  app.use(
    '/graphql',
    // A browser GET with no parameters at all is the Apollo Sandbox landing page: no data, so no token needed to
    // load it. Anything else (including GET with persisted-query extensions) must authenticate.
    (req, res, next) =>
      req.method === 'GET' && Object.keys(req.query).length === 0 && req.accepts('html') === 'html'
        ? next()
        : opts.auth.middleware()(req, res, next),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async () => opts.context() }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host}:${port}`;
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
