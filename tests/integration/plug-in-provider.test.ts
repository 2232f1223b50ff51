import { providerPlugins } from '../../src/registry.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { LedgerStore, ledgerPlugin } from '../support/ledger-provider.js';

// A provider defined outside src/ (tests/support/ledger-provider.ts) runs on the unchanged engine: outbound
// writes, webhook -> inbound apply, a poller, sync states, GraphQL enum and topics all follow from the plug-in.
describe('a provider plugged in from outside src/', () => {
  let t: TestApp;
  const store = new LedgerStore();

  beforeAll(async () => {
    t = await startTestApp({ SYNC_PROVIDERS: 'LEDGER' }, 'all', {
      providers: [...providerPlugins, ledgerPlugin(store)],
    });
  });
  afterAll(async () => t?.stop());

  const api = () => customersApi(t);
  const ledgerState = async (id: string) =>
    present(
      (await api().get(id)).syncStatus.find((s) => s.provider === 'LEDGER'),
      'LEDGER status',
    );

  it('is listed as a configured provider with its webhook', async () => {
    const res = await t.gql<{ providers: Array<{ provider: string; configured: boolean; webhook: boolean }> }>(
      '{ providers { provider enabled configured webhook } }',
    );
    expect(res.data!.providers).toContainEqual({ provider: 'LEDGER', enabled: true, configured: true, webhook: true });
  });

  it('syncs local changes out, provider changes in, and deletes found by its poller, without echo writes', async () => {
    const c = await api().create('Plug In', 'plug.in@example.com');
    const synced = await expectEventually(async () => {
      const s = await ledgerState(c.id);
      expect(s).toMatchObject({ state: 'SYNCED', targetVersion: 1 });
      return s;
    });
    const remote = present(store.records.get(synced.externalId!), 'ledger record');
    expect(remote).toMatchObject({ name: 'Plug In', email: 'plug.in@example.com', internalId: c.id });

    // An edit in the provider, announced by its webhook: applied locally, marked SYNCED for the ledger.
    remote.name = 'Renamed In Ledger';
    const hook = await fetch(`${t.url}/webhooks/ledger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: 'evt-rename', id: remote.id }),
    });
    expect(hook.status).toBe(200);
    await expectEventually(async () =>
      expect(await api().get(c.id)).toMatchObject({ name: 'Renamed In Ledger', version: 2 }),
    );
    expect(await ledgerState(c.id)).toMatchObject({ state: 'SYNCED', targetVersion: 2 });

    // The next local edit goes out as one write: the inbound change (v2) was not written back.
    const writesBefore = store.writeCalls;
    await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {email: "plug.in2@example.com"}) { version } }`, {
      id: c.id,
    });
    await api().synced(c.id, 'LEDGER', 3);
    expect(store.writeCalls - writesBefore).toBe(1);
    expect(remote).toMatchObject({ name: 'Renamed In Ledger', email: 'plug.in2@example.com' });

    // A delete in the provider, found by its poller.
    store.delete(remote.id);
    await expectEventually(async () => expect((await api().get(c.id)).deletedAt).not.toBeNull());
  });
});
