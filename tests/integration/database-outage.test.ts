import { startPostgres } from '../../scripts/lib/services.mjs';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';

// PostgreSQL stops (as in a crash) under a running API: clients get a retryable, clearly named error, and the API
// recovers by itself once the database is back.
describe('database outage', () => {
  let pg: Awaited<ReturnType<typeof startPostgres>>;
  let t: TestApp;
  beforeAll(async () => {
    pg = await startPostgres();
    t = await startTestApp({ DATABASE_URL: pg.url }, 'api');
  });
  afterAll(async () => {
    // The cluster goes whatever happens to the app's shutdown: a leaked server would outlive the test run.
    try {
      await t?.stop();
    } finally {
      await pg?.stop();
    }
  });

  const create = (email: string) =>
    t.gql<{ createCustomer: { id: string } }>(
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }',
      { i: { name: 'Outage', email } },
    );

  it('answers 503 SERVICE_UNAVAILABLE while PostgreSQL is down, and works again once it is back', async () => {
    expect((await create('before@example.com')).errors).toBeUndefined();
    await pg.halt();
    try {
      const down = await create('during@example.com');
      expect(down.status).toBe(503);
      expect(down.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryable: true }),
        }),
      ]);
      const read = await t.gql('{ customers { totalCount } }');
      expect(read.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    } finally {
      await pg.resume();
    }
    await expectEventually(async () => expect((await create('after@example.com')).errors).toBeUndefined());
    const count = await t.gql<{ customers: { totalCount: number } }>('{ customers { totalCount } }');
    expect(count.data!.customers.totalCount).toBe(2);
  });
});
