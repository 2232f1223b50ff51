import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';

describe('API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_TOKENS: 'first-token,second-token' });
  });
  afterAll(async () => t?.stop());

  const query = '{ customers(first: 1) { totalCount } }';

  it('rejects GraphQL over HTTP without a valid bearer token, with a code', async () => {
    const none = await t.gql(query);
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(query, {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await t.gql(query, {}, { authorization: 'Bearer second-token' });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ customers: { totalCount: 0 } });
    // Only a browser's bare GET (the IDE page, ui-routes.ts) skips auth; a persisted-query GET does not.
    const apq = await fetch(
      `${t.url}/graphql?extensions=${encodeURIComponent('{"persistedQuery":{"version":1,"sha256Hash":"abc"}}')}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(apq.status).toBe(401);
    // Health checks stay open for load balancers.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('rejects a graphql-ws connection without a token and accepts one with it', async () => {
    const url = `${t.url.replace('http', 'ws')}/graphql`;
    const results: Record<string, unknown[]> = { denied: [], allowed: [] };
    for (const [name, params] of [
      ['denied', {}],
      ['allowed', { authorization: 'Bearer first-token' }],
    ] as const) {
      const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: params, retryAttempts: 0 });
      client.subscribe(
        { query: '{ customers(first: 1) { totalCount } }' },
        {
          next: (v) => results[name]!.push(v),
          error: (e) => results[name]!.push({ error: String((e as { reason?: string }).reason ?? e) }),
          complete: () => undefined,
        },
      );
      await expectEventually(() => results[name]!.length > 0);
      await client.dispose();
    }
    expect(JSON.stringify(results.denied)).toContain('Forbidden');
    expect(results.allowed).toEqual([{ data: { customers: { totalCount: 0 } } }]);
  });
});
