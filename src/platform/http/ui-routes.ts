import type { ApolloServerPlugin, GraphQLServerContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/logger.js';

/** Where the browser apps built by scripts/build-ui.mjs are, and which of them this server offers. */
export interface UiOptions {
  /** dist/ui by default (UI_DIR): one folder per app, each with index.html, app.js and app.css. */
  dir: string;
  /** The admin console at `/`. */
  console: boolean;
  /** The GraphQL IDE (GRAPHQL_IDE): GraphiQL at GET /graphql from a browser, Apollo Sandbox at /sandbox. */
  ide: boolean;
}

/**
 * The browser apps. The admin console: `/` is its page, `/ui/console/*` its bundle. The GraphQL IDE: a browser's
 * GET /graphql (no parameters) is GraphiQL, bundled so that it works offline, `/ui/graphiql/*` its bundle, and
 * `/sandbox` Apollo's Sandbox (loaded from Apollo's CDN, so online only). Pages and bundles hold no data, so they
 * need no token; the apps send one with every GraphQL operation, as any client does. Mounted before /graphql, so
 * the IDE page is answered here and everything else on /graphql goes on to auth and Apollo.
 * `introspection` is only used to warn that the IDE would show no schema.
 */
export function uiRoutes(opts: UiOptions, logger: Logger, introspection = true): express.Router {
  const router = express.Router();
  if (opts.console) {
    const app = builtApp(opts.dir, 'console', 'admin console', logger);
    router.use('/ui/console', app.assets);
    router.get('/', app.page);
  }
  if (opts.ide) {
    if (!introspection) {
      logger.warn('GRAPHQL_IDE is on but GRAPHQL_INTROSPECTION is off: the IDE shows no schema, docs or completion');
    }
    const app = builtApp(opts.dir, 'graphiql', 'GraphQL IDE (GraphiQL)', logger);
    router.use('/ui/graphiql', app.assets);
    router.get('/graphql', (req, res, next) => (wantsPage(req) ? app.page(req, res, next) : next()));
    router.get('/sandbox', sandboxPage());
  } else {
    // A person opening /graphql in production learns why there is no IDE instead of getting a GraphQL error.
    const off: express.RequestHandler = (_req, res) => {
      res
        .status(404)
        .type('text/plain')
        .send(
          'The GraphQL IDE is off on this server (GRAPHQL_IDE=true turns it on; it is off by default when ' +
            'NODE_ENV=production). Send GraphQL operations to /graphql with POST.\n',
        );
    };
    router.get('/graphql', (req, res, next) => (wantsPage(req) ? off(req, res, next) : next()));
    router.get('/sandbox', off);
  }
  return router;
}

/**
 * A browser navigating to the URL: no parameters (any would be a GraphQL GET request) and HTML preferred over
 * JSON. A wildcard Accept (curl's) or none picks JSON, so scripts and GraphQL clients never get a page instead
 * of an answer.
 */
function wantsPage(req: express.Request): boolean {
  return Object.keys(req.query).length === 0 && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/**
 * One built app: its bundle, and its page. A missing build (ui/ not built yet) answers 503 with how to build it
 * rather than a bare 404.
 */
function builtApp(root: string, name: string, label: string, logger: Logger) {
  const dir = path.join(root, name);
  const page = path.join(dir, 'index.html');
  if (!fs.existsSync(page)) {
    logger.warn(`${label} not built: run \`node scripts/build-ui.mjs\` (npm start and npm test do)`, { dir });
  }
  const handler: express.RequestHandler = (_req, res) => {
    if (!fs.existsSync(page)) {
      res.status(503).type('text/plain').send(`The ${label} is not built: run \`node scripts/build-ui.mjs\`.\n`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(page);
  };
  return { assets: express.static(dir, { index: false, fallthrough: false, maxAge: '1h' }), page: handler };
}

/**
 * Apollo's own Sandbox page, rendered by Apollo's landing-page plugin (its CSP, CDN script and offline notice stay
 * Apollo's). Apollo serves it on the endpoint itself and so points it at the page's own URL; here it lives at
 * /sandbox (GET /graphql is GraphiQL), so the one expression choosing the endpoint is pointed at /graphql instead.
 */
function sandboxPage(): express.RequestHandler {
  const plugin = ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: true, runTelemetry: false },
    includeCookies: false,
  });
  let rendered: Promise<() => Promise<string>> | undefined;
  return async (_req, res) => {
    rendered ??= landingPageHtml(plugin);
    const html = await (await rendered)();
    const ours = html.replace(APOLLO_ENDPOINT, 'var initialEndpoint = new URL("/graphql", window.location.href).href;');
    // An @apollo/server upgrade that changed the page would otherwise send Sandbox to /sandbox without a word.
    if (ours === html) throw new Error('Apollo Sandbox page changed: cannot point it at /graphql');
    res.setHeader('Cache-Control', 'no-store'); // each page carries a fresh CSP nonce
    res.type('html').send(ours);
  };
}

const APOLLO_ENDPOINT = 'var initialEndpoint = window.location.href;';

/**
 * The plugin outside an ApolloServer: its serverWillStart reads nothing from the server context, and the server
 * that does run (on /graphql) has its landing page disabled.
 */
async function landingPageHtml(plugin: ApolloServerPlugin): Promise<() => Promise<string>> {
  const listener = await plugin.serverWillStart?.({} as GraphQLServerContext);
  const page = await listener?.renderLandingPage?.();
  if (!page) throw new Error('Apollo landing page plugin rendered no page');
  const { html } = page;
  return typeof html === 'string' ? async () => html : html;
}
