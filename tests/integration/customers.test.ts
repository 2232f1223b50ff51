import { catalogTopic, SYNC_STATUS_TOPIC } from '../../src/core/topics.js';
import { expectEventually, present } from '../support/eventually.js';
import { collectEvents, CUSTOMER_FIELDS, startTestApp, type TestApp } from '../support/harness.js';

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { ${CUSTOMER_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteCustomer(id: $id) { id deletedAt version } }`;

interface CustomerData {
  id: string;
  name: string;
  email: string;
  version: number;
  deletedAt: string | null;
  syncStatus: Array<{ provider: string; state: string; targetVersion: number }>;
}

describe('customer catalog over GraphQL, outbox and Kafka', () => {
  let t: TestApp;
  let consumer: Awaited<ReturnType<typeof collectEvents>>;

  beforeAll(async () => {
    t = await startTestApp();
    consumer = await collectEvents([catalogTopic('CUSTOMER'), SYNC_STATUS_TOPIC]);
  });
  afterAll(async () => {
    await consumer?.stop();
    await t?.stop();
  });

  const outboxCount = async () => {
    const [row] = await t.app.orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>('select count(*) as n from outbox_event');
    return Number(row!.n);
  };

  async function create(name: string, email: string): Promise<CustomerData> {
    const res = await t.gql<{ createCustomer: CustomerData }>(CREATE, { input: { name, email } });
    expect(res.errors).toBeUndefined();
    return res.data!.createCustomer;
  }

  it('createCustomer writes the row and PENDING states, and its event reaches Kafka keyed by id', async () => {
    const c = await create('  Ada Lovelace ', 'ADA@Example.com');
    expect(c).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', version: 1, deletedAt: null });
    expect(c.syncStatus.map((s) => [s.provider, s.state, s.targetVersion])).toEqual([
      ['SALESFORCE', 'PENDING', 1],
      ['STRIPE', 'PENDING', 1],
    ]);

    const event = await expectEventually(() =>
      present(
        consumer.events.find((e) => e.entityId === c.id && e.type === 'customer.created'),
        'customer.created event',
      ),
    );
    expect(event.key).toBe(c.id);
    expect(event).toMatchObject({
      entityType: 'CUSTOMER',
      origin: 'LOCAL',
      payload: { id: c.id, name: 'Ada Lovelace', email: 'ada@example.com', version: 1, deleted: false },
    });
    expect(typeof event.id).toBe('string');
    expect(Number.isNaN(Date.parse(event.createdAt))).toBe(false);

    // The sync states are announced on sync.status too (what subscriptions are fed from).
    await expectEventually(() =>
      expect(consumer.events.filter((e) => e.entityId === c.id && e.type === 'sync.status.changed')).toHaveLength(2),
    );
    // And the outbox row is marked published.
    await expectEventually(async () => {
      const rows = await t.app.orm.em
        .fork()
        .getConnection()
        .execute<{ published_at: Date | null }[]>(`select published_at from outbox_event where key = ?`, [c.id]);
      return rows.length === 3 && rows.every((r) => r.published_at !== null);
    });
  });

  it('update and delete bump the version and publish in order', async () => {
    const c = await create('Grace Hopper', 'grace@example.com');
    const u = await t.gql<{ updateCustomer: CustomerData }>(UPDATE, {
      id: c.id,
      input: { name: 'Rear Admiral Hopper' },
    });
    expect(u.errors).toBeUndefined();
    expect(u.data!.updateCustomer).toMatchObject({
      name: 'Rear Admiral Hopper',
      email: 'grace@example.com',
      version: 2,
    });

    // An update that changes nothing writes nothing.
    const before = await outboxCount();
    const same = await t.gql<{ updateCustomer: CustomerData }>(UPDATE, {
      id: c.id,
      input: { name: 'Rear Admiral Hopper' },
    });
    expect(same.data!.updateCustomer.version).toBe(2);
    expect(await outboxCount()).toBe(before);

    const d = await t.gql<{ deleteCustomer: CustomerData }>(DELETE, { id: c.id });
    expect(d.errors).toBeUndefined();
    expect(d.data!.deleteCustomer.deletedAt).not.toBeNull();

    const types = await expectEventually(() => {
      const seen = consumer.events.filter(
        (e) => e.entityId === c.id && e.entityType === 'CUSTOMER' && e.type.startsWith('customer.'),
      );
      expect(seen).toHaveLength(3);
      return seen.map((e) => [e.type, (e.payload as { version: number }).version]);
    });
    expect(types).toEqual([
      ['customer.created', 1],
      ['customer.updated', 2],
      ['customer.deleted', 3],
    ]);

    const gone = await t.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: c.id });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const kept = await t.gql<{ customer: CustomerData }>(
      `query($id: ID!) { customer(id: $id, includeDeleted: true) { id deletedAt } }`,
      {
        id: c.id,
      },
    );
    expect(kept.data!.customer.deletedAt).not.toBeNull();
  });

  it('rejects bad input with a clear code and writes nothing', async () => {
    const before = await outboxCount();
    const bad = await t.gql(CREATE, { input: { name: '   ', email: 'not-an-email' } });
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [
        { field: 'name', message: 'must not be empty' },
        { field: 'email', message: 'must be a valid email address' },
      ],
    });

    const missing = await t.gql(CREATE, { input: { name: 'No Email' } });
    expect(missing.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');

    const unknown = await t.gql(UPDATE, { id: '00000000-0000-4000-8000-000000000000', input: { name: 'X' } });
    expect(unknown.errors![0]).toMatchObject({
      message: 'Customer 00000000-0000-4000-8000-000000000000 not found',
      extensions: { code: 'NOT_FOUND' },
    });
    const notUuid = await t.gql(DELETE, { id: 'cus_123' });
    expect(notUuid.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'id', message: 'must be a UUID' }],
    });

    const c = await create('Versioned', 'v@example.com');
    const stale = await t.gql(UPDATE, { id: c.id, input: { name: 'Y', expectedVersion: 7 } });
    expect(stale.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });

    const [row] = await t.app.orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from customer where name in ('', 'No Email', 'Y')`);
    expect(Number(row!.n)).toBe(0);
    // Only the one valid create above wrote to the outbox (its event + two sync states).
    expect(await outboxCount()).toBe(before + 3);
  });

  it('lists customers as a Relay connection with search and cursors', async () => {
    const tag = `page${Date.now()}`;
    for (let i = 0; i < 5; i++) await create(`${tag} ${i}`, `${tag}.${i}@example.com`);
    const query = `query($first: Int, $after: String, $search: String) {
      customers(first: $first, after: $after, search: $search) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor }
      } }`;
    type Page = {
      customers: {
        totalCount: number;
        edges: Array<{ node: { name: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const p1 = await t.gql<Page>(query, { first: 2, search: tag.toUpperCase() });
    expect(p1.data!.customers.totalCount).toBe(5);
    expect(p1.data!.customers.edges.map((e) => e.node.name)).toEqual([`${tag} 0`, `${tag} 1`]);
    expect(p1.data!.customers.pageInfo.hasNextPage).toBe(true);
    const p2 = await t.gql<Page>(query, { first: 3, search: tag, after: p1.data!.customers.pageInfo.endCursor });
    expect(p2.data!.customers.edges.map((e) => e.node.name)).toEqual([`${tag} 2`, `${tag} 3`, `${tag} 4`]);
    expect(p2.data!.customers.pageInfo.hasNextPage).toBe(false);

    const tooMany = await t.gql(query, { first: 1000 });
    expect(tooMany.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const badCursor = await t.gql(query, { after: 'nope' });
    expect(badCursor.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'after', message: 'is not a valid cursor' }],
    });
  });

  it('serves health and readiness', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', kafka: 'ok', consumers: 'ok' } });
  });
});
