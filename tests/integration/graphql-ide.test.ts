import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Logger } from '../../src/core/logger.js';
import { uiRoutes } from '../../src/platform/http/ui-routes.js';
import { collectPageErrors, launchBrowser, screenshot } from '../support/browser.js';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';

// The GraphQL IDE (GRAPHQL_IDE): GraphiQL on a browser's GET /graphql, bundled so that it works with no network,
// Apollo Sandbox on /sandbox for when there is one, both off by default in production.

const TOKEN = 'ide-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
/** What a browser sends when the user opens the URL. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const openInBrowser = (url: string) => fetch(url, { headers: { accept: BROWSER_ACCEPT } });

/**
 * Loads from another host that a page, stylesheet or bundle could make: src/href in HTML, url()/@import in CSS,
 * and in JS any absolute URL of a script, stylesheet or font, or of a CDN. Links to docs in comments are fine.
 */
function externalLoads(text: string, kind: 'html' | 'css' | 'js'): string[] {
  const patterns = {
    html: /(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    css: /(?:url\(\s*["']?|@import\s+["'])((?:https?:)?\/\/[^"')\s]+)/gi,
    js: /(https?:\/\/(?:[^"'`\s)]+\.(?:m?js|css|woff2?|ttf|otf)\b|(?:fonts\.googleapis|fonts\.gstatic|unpkg|cdn\.jsdelivr|cdnjs\.cloudflare|esm\.sh)[^"'`\s)]*))/gi,
  };
  return [...text.matchAll(patterns[kind])].map((m) => m[1]!);
}

describe('GraphQL IDE, development defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_TOKENS: TOKEN });
  });
  afterAll(async () => t?.stop());

  it('serves GraphiQL on a browser GET /graphql, without a token, and its bundle loads nothing from elsewhere', async () => {
    const page = await openInBrowser(`${t.url}/graphql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>catalog-sync GraphQL IDE</title>');
    const assets = [...html.matchAll(/(?:src|href)="(\/ui\/graphiql\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/ui/graphiql/app.css', '/ui/graphiql/app.js']);
    expect(externalLoads(html, 'html')).toEqual([]);

    const js = await fetch(`${t.url}/ui/graphiql/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const bundle = await js.text();
    expect(bundle).toContain('Apollo Sandbox (needs internet)');
    expect(externalLoads(bundle, 'js')).toEqual([]);
    const css = await fetch(`${t.url}/ui/graphiql/app.css`);
    expect(css.status).toBe(200);
    const styles = await css.text();
    // GraphiQL's fonts are inlined by the build, not fetched from Google Fonts.
    expect(styles).toMatch(/@font-face\{font-family:Roboto[^}]*url\(data:font\/woff2/);
    expect(externalLoads(styles, 'css')).toEqual([]);
    // The checker itself catches what it is meant to.
    expect(externalLoads('<script src="https://unpkg.com/x.js"></script>', 'html')).toHaveLength(1);
    expect(externalLoads('@import url(https://fonts.googleapis.com/css2?family=Roboto);', 'css')).toHaveLength(1);
    expect(externalLoads('import("https://esm.sh/react")', 'js')).toHaveLength(1);
  });

  it('answers GraphQL requests on /graphql as before: POST, GET with a query, and non-browser GETs', async () => {
    expect(await t.gql('{ customers(first: 1) { totalCount } }', {}, auth)).toMatchObject({
      status: 200,
      data: { customers: { totalCount: expect.any(Number) } },
    });
    expect((await t.gql('{ __typename }')).status).toBe(401);
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { ...auth, accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    // curl's `*/*` and a GraphQL client's JSON get no page: they go on to auth, then to Apollo.
    for (const accept of ['*/*', 'application/json']) {
      const res = await fetch(`${t.url}/graphql`, { headers: { accept } });
      expect(res.status).toBe(401);
    }
  });

  it('serves Apollo Sandbox at /sandbox, without a token, pointed at /graphql', async () => {
    const res = await openInBrowser(`${t.url}/sandbox`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('https://embeddable-sandbox.cdn.apollographql.com/');
    expect(html).toContain('var initialEndpoint = new URL("/graphql", window.location.href).href;');

    // What the page hands to Apollo's script, with that script (from Apollo's CDN, unreachable here) stubbed.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) =>
        route.request().url().startsWith('https://embeddable-sandbox.cdn.apollographql.com/')
          ? route.fulfill({
              contentType: 'text/javascript',
              body: 'window.EmbeddedSandbox = function (config) { window.sandboxConfig = config; };',
            })
          : route.abort(),
      );
      await page.goto(`${t.url}/sandbox`);
      const config = await expectEventually(() =>
        page.evaluate(() => (globalThis as { sandboxConfig?: Record<string, unknown> }).sandboxConfig ?? false),
      );
      expect(config).toMatchObject({ initialEndpoint: `${t.url}/graphql`, endpointIsEditable: true });
    } finally {
      await browser.close();
    }
  });

  describe('in headless Chromium, with no network beyond this server', () => {
    let browser: Browser;
    let page: Page;
    let errors: string[];
    const requested: string[] = [];
    const frames: string[] = [];
    beforeAll(async () => {
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      errors = collectPageErrors(page);
      page.on('request', (r) => requested.push(r.url()));
      page.on('websocket', (ws) => {
        requested.push(ws.url());
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
      });
    });
    afterAll(async () => browser?.close());

    const result = () => page.locator('.result-window').innerText();

    it('runs the default query once the API token is entered', async () => {
      await t.gql(
        'mutation { createCustomer(input: {name: "Ada Lovelace", email: "ada@example.com"}) { id } }',
        {},
        auth,
      );
      await page.goto(`${t.url}/graphql`);
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByLabel('API token').press('Enter');
      await page.getByRole('button', { name: 'Token set' }).waitFor();
      // With the token, GraphiQL has the schema: its docs explorer lists the root types.
      await page.getByRole('button', { name: /show documentation explorer/i }).click();
      await page.locator('.graphiql-doc-explorer').getByText('Subscription', { exact: true }).first().waitFor();
      await page.getByRole('button', { name: /hide documentation explorer/i }).click();
      await page.locator('.graphiql-execute-button').click();
      await expectEventually(async () => (await result()).includes('"name": "Ada Lovelace"'));
      expect(await result()).toContain('"totalCount": 1');
      await screenshot(page, 'graphiql-query');
    });

    it('runs a subscription over graphql-ws and shows the events a change pushes', async () => {
      const subscription =
        'subscription WatchSyncStates {\n  syncStatusChanged {\n    entityId\n    provider\n    state\n  }\n}\n';
      await page.locator('.graphiql-query-editor .CodeMirror').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(subscription);
      await page.keyboard.press('Escape'); // closes a completion popup, if any
      // GraphiQL reads the operation from the editor 100 ms after the last change, then saves the text: Run before
      // that would still send the previous operation's name. Compared word by word (the editor may re-indent).
      await page.waitForFunction(
        (expected) => localStorage.getItem('graphiql:query')?.split(/\s+/).join(' ').trim() === expected,
        subscription.split(/\s+/).join(' ').trim(),
      );
      await page.locator('.graphiql-execute-button').click();
      // The socket authenticated (connection_init carried the token) and the server took the subscription.
      await expectEventually(() => frames.some((f) => f.includes('"connection_ack"')));
      // Subscribing is asynchronous on the server too: change records until the pane shows one of them.
      const created: string[] = [];
      const shown = async () => {
        const pane = await result();
        return created.some((id) => pane.includes(`"entityId": "${id}"`));
      };
      await expectEventually(
        async () => {
          const res = await t.gql<{ createCustomer: { id: string } }>(
            'mutation { createCustomer(input: {name: "Grace Hopper", email: "grace@example.com"}) { id } }',
            {},
            auth,
          );
          created.push(res.data!.createCustomer.id);
          // Each change gets a few seconds to show before another is tried.
          return expectEventually(shown, { timeoutMs: 3_000 });
        },
        { timeoutMs: 30_000 },
      );
      expect(await result()).toMatch(
        /"syncStatusChanged": \{\s*"entityId": "[^"]+",\s*"provider": "\w+",\s*"state": "\w+"/,
      );
      await screenshot(page, 'graphiql-subscription');
    });

    it('loaded everything from this server and logged no errors beyond the token-less schema fetch', () => {
      const origin = new URL(t.url);
      const foreign = requested.filter((u) => !u.startsWith('data:') && new URL(u).host !== origin.host);
      expect(foreign).toEqual([]);
      expect(requested).toContain(`${t.url}/ui/graphiql/app.js`);
      expect(requested).toContain(`${t.url.replace('http', 'ws')}/graphql`);
      // Before the token is entered, GraphiQL's schema fetch gets 401 (and shows the server's message).
      expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    });
  });
});

describe('GraphQL IDE, production defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production', API_TOKENS: TOKEN, LOG_LEVEL: 'silent' }, 'api');
  });
  afterAll(async () => t?.stop());

  it('offers no IDE and no Sandbox, and says why', async () => {
    for (const path of ['/graphql', '/sandbox']) {
      const res = await openInBrowser(`${t.url}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/GraphQL IDE is off.*GRAPHQL_IDE=true/);
    }
    expect((await fetch(`${t.url}/ui/graphiql/app.js`)).status).toBe(404);
  });

  it('refuses introspection and still answers operations', async () => {
    const res = await t.gql('{ __schema { types { name } } }', {}, auth);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await t.gql('{ customers(first: 1) { totalCount } }', {}, auth)).data).toEqual({
      customers: { totalCount: 0 },
    });
  });
});

describe('GraphQL IDE, production with GRAPHQL_IDE=true and GRAPHQL_INTROSPECTION=true', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {
        NODE_ENV: 'production',
        API_TOKENS: TOKEN,
        LOG_LEVEL: 'silent',
        GRAPHQL_IDE: 'true',
        GRAPHQL_INTROSPECTION: 'true',
      },
      'api',
    );
  });
  afterAll(async () => t?.stop());

  it('offers GraphiQL, Sandbox and introspection (with a token)', async () => {
    const ide = await openInBrowser(`${t.url}/graphql`);
    expect(ide.status).toBe(200);
    expect(await ide.text()).toContain('/ui/graphiql/app.js');
    expect((await fetch(`${t.url}/ui/graphiql/app.js`)).status).toBe(200);
    expect((await openInBrowser(`${t.url}/sandbox`)).status).toBe(200);
    const schema = await t.gql<{ __schema: { subscriptionType: { name: string } } }>(
      '{ __schema { subscriptionType { name } } }',
      {},
      auth,
    );
    expect(schema.data).toEqual({ __schema: { subscriptionType: { name: 'Subscription' } } });
    expect((await t.gql('{ __schema { types { name } } }')).status).toBe(401);
  });
});

describe('GraphQL IDE without introspection', () => {
  it('warns once, at start, that the IDE will show no schema', () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (msg) => warnings.push(msg),
      error: () => undefined,
      child: () => logger,
    };
    const ui = { dir: path.resolve('dist/ui'), console: false };
    uiRoutes({ ...ui, ide: true }, logger, true);
    uiRoutes({ ...ui, ide: false }, logger, false);
    expect(warnings).toEqual([]);
    uiRoutes({ ...ui, ide: true }, logger, false);
    expect(warnings).toEqual([expect.stringMatching(/GRAPHQL_IDE is on but GRAPHQL_INTROSPECTION is off/)]);
  });
});
