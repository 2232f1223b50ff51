import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/harness.js';
import { SF_ORG_ID } from '../support/salesforce.js';

// What an unauthenticated or careless client can send costs a small, bounded amount: each limit answers with a
// clear code before any resolver (or XML parser) does real work, and the server keeps answering.
describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      SYNC_PROVIDERS: 'SALESFORCE',
      // Configured so /webhooks/salesforce is mounted; the login URL is never called in this suite.
      SALESFORCE_LOGIN_URL: 'http://127.0.0.1:9',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: 'secret',
      SALESFORCE_ORG_ID: SF_ORG_ID,
      SALESFORCE_POLL_INTERVAL_MS: '0',
    });
  });
  afterAll(async () => t?.stop());

  const page = 'customers(first: 100) { edges { node { id name email syncStatus { provider state } } } }';
  const post = (body: string, type = 'application/json') =>
    fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': type }, body });

  it('one page of customers fits; many aliased pages exceed the alias and cost limits', async () => {
    expect((await t.gql(`{ ${page} }`)).errors).toBeUndefined();
    // 1000 aliased pages: refused by the parser's token limit before validation even starts.
    const bomb = await t.gql(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${page}`).join(' ')} }`);
    expect(bomb.status).toBe(400);
    expect(bomb.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' }) }),
    ]);
    const aliased = await t.gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(aliased.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' }) }),
    ]);
    // A page costs 801 (100 nodes x 8 fields + 1); the budget is 5000.
    const costly = await t.gql(`{ ${Array.from({ length: 7 }, (_, i) => `a${i}: ${page}`).join(' ')} }`);
    expect(costly.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' }) }),
    ]);
  });

  it('stops parsing at the token limit', async () => {
    const res = await t.gql(`{ ${'__typename '.repeat(5000)} }`);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' }) }),
    ]);
  });

  it('refuses oversized and malformed bodies with a JSON reason and no stack trace', async () => {
    const big = await post(JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(300 * 1024) }));
    expect(big.status).toBe(413);
    const bigBody = await big.text();
    expect(JSON.parse(bigBody)).toMatchObject({ error: 'entity.too.large' });
    expect(bigBody).not.toMatch(/node_modules|at \w+ \(/);
    const bad = await post('{"query": ');
    expect(bad.status).toBe(400);
    const badBody = await bad.text();
    expect(JSON.parse(badBody)).toMatchObject({ error: 'entity.parse.failed' });
    expect(badBody).not.toMatch(/node_modules|at \w+ \(/);
  });

  it('closes a WebSocket that sends an oversized frame, before reading it, and keeps serving', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.alloc(1024 * 1024, 'a'));
    expect(await closed).toBe(1009); // "message too big"
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('applies the same limits to subscriptions over graphql-ws', async () => {
    const client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
    try {
      const aliases = `syncStatusChanged { ${Array.from({ length: 40 }, (_, i) => `s${i}: state`).join(' ')} }`;
      const errors = await new Promise<unknown>((resolve) =>
        client.subscribe(
          { query: `subscription { ${aliases} }` },
          { next: () => undefined, error: resolve, complete: () => resolve([]) },
        ),
      );
      expect(errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('answers BAD_USER_INPUT for text PostgreSQL cannot store and for forged cursors', async () => {
    const create = (name: string) =>
      t.gql('mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }', {
        i: { name, email: 'bad.input@example.com' },
      });
    for (const name of ['Nul\u0000Byte', 'Lone \ud800 surrogate']) {
      const res = await create(name);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'name' }] });
    }
    const search = await t.gql('query($s: String) { customers(search: $s) { totalCount } }', { s: 'a\u0000' });
    expect(search.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00Z', 'x'])).toString('base64url');
    const page = await t.gql('query($a: String) { customers(after: $a) { totalCount } }', { a: forged });
    expect(page.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers BAD_USER_INPUT for a persisted-query hash that does not match the query', async () => {
    const res = await post(
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  describe('Salesforce Outbound Message endpoint (no credentials needed to reach it)', () => {
    const soap = (body: string) =>
      fetch(`${t.url}/webhooks/salesforce`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const envelope = (inner: string) =>
      `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
      `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${SF_ORG_ID}</OrganizationId>` +
      `${inner}</notifications></soapenv:Body></soapenv:Envelope>`;

    it('answers 400 with the reason for unclosed tags, invalid character references and DTDs', async () => {
      const unclosed = await soap('<a>'.repeat(300_000));
      expect(unclosed.status).toBe(400);
      const badRef = await soap(
        envelope(
          '<Notification><Id>04l1</Id><sObject><sf:Id xmlns:sf="urn:x">&#1114112;</sf:Id></sObject></Notification>',
        ),
      );
      expect(badRef.status).toBe(400);
      expect(await badRef.text()).toContain('malformed');
      const dtd = await soap(`<!DOCTYPE x [<!ENTITY a "aaaa">]>${envelope('')}`);
      expect(dtd.status).toBe(400);
      expect(await dtd.text()).toContain('DTD');
      const tooBig = await soap('<a>'.repeat(400_000));
      expect(tooBig.status).toBe(413);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });
  });
});

describe('introspection in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production', API_TOKENS: 'prod-token', LOG_LEVEL: 'silent' }, 'api');
  });
  afterAll(async () => t?.stop());

  it('is off by default (GRAPHQL_INTROSPECTION=true turns it on)', async () => {
    const auth = { authorization: 'Bearer prod-token' };
    const res = await t.gql('{ __schema { types { name } } }', undefined, auth);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await t.gql('{ providers { provider } }', undefined, auth)).errors).toBeUndefined();
  });
});
