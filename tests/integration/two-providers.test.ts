import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { startAppWithBothProviders } from '../support/stripe.js';

interface CustomerData {
  id: string;
  name: string;
  email: string;
  version: number;
  syncStatus: Array<{ provider: string; state: string; externalId: string | null; targetVersion: number }>;
}
const FIELDS = 'id name email version syncStatus { provider state externalId targetVersion }';

describe('Stripe and Salesforce in tandem, through the local catalog', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let dashboard: Stripe;
  let sf: SalesforceEmulator;

  beforeAll(async () => {
    ({ t, emu, dashboard, sf } = await startAppWithBothProviders());
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
    await sf?.close();
  });

  const get = async (id: string) =>
    (await t.gql<{ customer: CustomerData }>(`query($id: ID!) { customer(id: $id) { ${FIELDS} } }`, { id })).data!
      .customer;
  const byEmail = async (email: string) =>
    (
      await t.gql<{ customers: { edges: Array<{ node: CustomerData }> } }>(
        `query($s: String) { customers(search: $s) { edges { node { ${FIELDS} } } } }`,
        { s: email },
      )
    ).data!.customers.edges.map((e) => e.node);
  const settled = (id: string, version: number) =>
    expectEventually(async () => {
      const c = await get(id);
      expect(c.version).toBe(version);
      expect(c.syncStatus.map((s) => [s.provider, s.state, s.targetVersion])).toEqual([
        ['SALESFORCE', 'SYNCED', version],
        ['STRIPE', 'SYNCED', version],
      ]);
      return c;
    });
  /** A later change that has fully settled shows that earlier events have been handled, without sleeping. */
  const barrier = async () => {
    const res = await t.gql<{ createCustomer: { id: string } }>(
      `mutation { createCustomer(input: {name: "Barrier", email: "barrier@example.com"}) { id } }`,
    );
    await settled(res.data!.createCustomer.id, 1);
  };

  it('a customer created in Stripe appears locally and in Salesforce; a Salesforce edit reaches Stripe; no loops', async () => {
    const remote = await dashboard.customers.create({ name: 'Tandem Person', email: 'tandem@example.com' });
    const local = await expectEventually(async () =>
      present((await byEmail('tandem@example.com'))[0], 'local customer'),
    );
    const first = await settled(local.id, 1);
    const contactId = present(first.syncStatus.find((s) => s.provider === 'SALESFORCE')?.externalId, 'contact id');
    expect(sf.contacts().find((c) => c.Id === contactId)).toMatchObject({
      FirstName: 'Tandem',
      LastName: 'Person',
      Email: 'tandem@example.com',
    });

    sf.ui.update('Contact', contactId, { FirstName: 'Tandy' });
    await settled(local.id, 2);
    expect(await get(local.id)).toMatchObject({ name: 'Tandy Person' });
    await expectEventually(() => expect(emu.customers().find((c) => c.id === remote.id)?.name).toBe('Tandy Person'));

    // No ping-pong: once later work has settled, nothing has bounced the customer further.
    const stripeWrites = emu
      .requestLog()
      .filter((r) => r.method === 'POST' && r.path === `/v1/customers/${remote.id}`).length;
    await barrier();
    expect((await get(local.id)).version).toBe(2);
    expect(emu.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${remote.id}`).length).toBe(
      stripeWrites,
    );
  });

  it('reports each provider: enabled, configured, webhook, API usage from Sforce-Limit-Info', async () => {
    const res = await t.gql<{ providers: Array<Record<string, unknown>> }>(
      `{ providers { provider enabled configured webhook apiUsage { used limit } rateLimitPerSecond } }`,
    );
    expect(res.data!.providers).toEqual([
      { provider: 'STRIPE', enabled: true, configured: true, webhook: true, apiUsage: null, rateLimitPerSecond: 200 },
      {
        provider: 'SALESFORCE',
        enabled: true,
        configured: true,
        webhook: true,
        apiUsage: { used: expect.any(Number), limit: 15000 },
        rateLimitPerSecond: 500,
      },
    ]);
    expect((res.data!.providers[1]!.apiUsage as { used: number }).used).toBeGreaterThan(0);
  });

  it('a Salesforce outage does not hold back Stripe', async () => {
    sf.injectFaults({ status: 503, count: 1000, path: '/composite/sobjects' });
    try {
      const res = await t.gql<{ createCustomer: { id: string } }>(
        `mutation { createCustomer(input: {name: "Isolated", email: "isolated@example.com"}) { id } }`,
      );
      const id = res.data!.createCustomer.id;
      await expectEventually(async () => {
        const c = await get(id);
        expect(c.syncStatus.find((s) => s.provider === 'STRIPE')?.state).toBe('SYNCED');
        expect(c.syncStatus.find((s) => s.provider === 'SALESFORCE')?.state).not.toBe('SYNCED');
      });
    } finally {
      sf.reset();
    }
  });
});
