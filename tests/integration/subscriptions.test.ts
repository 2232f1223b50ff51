import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';

interface StatusEvent {
  entityId: string;
  provider: string;
  state: string;
  targetVersion: number;
}

describe('syncStatusChanged over graphql-ws', () => {
  let t: TestApp;
  let client: Client;

  beforeAll(async () => {
    t = await startTestApp();
    client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false });
  });
  afterAll(async () => {
    await client?.dispose();
    await t?.stop();
  });

  function subscribe(query: string, variables: Record<string, unknown>) {
    const received: StatusEvent[] = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe<{ syncStatusChanged: StatusEvent }>(
      { query, variables },
      {
        next: (v) => {
          if (v.data) received.push(v.data.syncStatusChanged);
          if (v.errors) errors.push(...v.errors);
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    return { received, errors, unsubscribe };
  }

  it('streams the PENDING states of a change to a subscriber of that record only', async () => {
    const create = (name: string) =>
      t.gql<{ createCustomer: { id: string } }>(
        `mutation($n: String!) { createCustomer(input: {name: $n, email: "s@example.com"}) { id } }`,
        {
          n: name,
        },
      );
    const first = (await create('Subscribed')).data!.createCustomer.id;
    const other = (await create('Other')).data!.createCustomer.id;

    const query = `subscription($id: ID) { syncStatusChanged(entityType: CUSTOMER, entityId: $id) { entityId provider state targetVersion } }`;
    const mine = subscribe(query, { id: first });
    const all = subscribe(query, {});
    // A subscription is live once the server has acknowledged it; poll by triggering changes until one arrives.
    await expectEventually(
      async () => {
        await t.gql(`mutation($id: ID!, $n: String!) { updateCustomer(id: $id, input: {name: $n}) { id } }`, {
          id: first,
          n: `Subscribed ${Date.now()}`,
        });
        return mine.received.length > 0;
      },
      { intervalMs: 500 },
    );
    await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Other changed"}) { id } }`, { id: other });

    await expectEventually(() => all.received.some((s) => s.entityId === other));
    expect(mine.received.every((s) => s.entityId === first)).toBe(true);
    expect(mine.received.map((s) => s.state)).toContain('PENDING');
    expect(new Set(mine.received.map((s) => s.provider))).toEqual(new Set(['STRIPE', 'SALESFORCE']));
    expect(mine.errors).toEqual([]);
    mine.unsubscribe();
    all.unsubscribe();
  });

  it('rejects a subscription with a bad argument', async () => {
    const bad = subscribe(`subscription { syncStatusChanged(entityType: PARROT) { state } }`, {});
    await expectEventually(() => bad.errors.length > 0);
    expect(JSON.stringify(bad.errors)).toContain('PARROT');
  });
});
