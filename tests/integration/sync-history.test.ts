import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { startAppWithBothProviders } from '../support/stripe.js';

interface SyncEventData {
  id: string;
  at: string;
  entityType: string;
  entityId: string | null;
  provider: string;
  direction: 'OUTBOUND' | 'INBOUND';
  outcome: string;
  error: string | null;
  attempt: number | null;
  eventId: string;
  externalId: string | null;
  providerRequestId: string | null;
  durationMs: number;
}

interface DeadLetterData {
  id: string;
  provider: string;
  direction: 'OUTBOUND' | 'INBOUND';
  entityType: string;
  entityId: string | null;
  externalId: string | null;
  error: string;
  attempts: number;
  replayedAt: string | null;
}

const EVENT_FIELDS = `id at entityType entityId provider direction outcome error attempt eventId externalId
  providerRequestId durationMs`;
const LETTER_FIELDS = 'id provider direction entityType entityId externalId error attempts replayedAt';

/** The sync history (Query.syncEvents) and dead letters (Query.deadLetters, replayDeadLetter) on real components. */
describe('sync history and dead letters', () => {
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
  afterEach(() => emu.clearFaults());

  const customers = () => customersApi(t);
  /** Waits until both providers hold the customer's current version. */
  const allSynced = (id: string) =>
    expectEventually(async () => {
      const c = await customers().get(id);
      return c.syncStatus.length === 2 && c.syncStatus.every((s) => s.state === 'SYNCED') && c;
    });

  async function history(args: Record<string, unknown>) {
    const res = await t.gql<{
      syncEvents: { edges: Array<{ cursor: string; node: SyncEventData }>; pageInfo: { hasNextPage: boolean } };
    }>(
      `query($entityType: EntityType, $entityId: ID, $provider: Provider, $first: Int, $after: String) {
        syncEvents(entityType: $entityType, entityId: $entityId, provider: $provider, first: $first, after: $after) {
          edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage }
        }
      }`,
      args,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.syncEvents;
  }
  const eventsOf = async (entityId: string) =>
    (await history({ entityType: 'CUSTOMER', entityId, first: 100 })).edges.map((e) => e.node);

  async function deadLetters(args: Record<string, unknown> = {}) {
    const res = await t.gql<{ deadLetters: { totalCount: number; edges: Array<{ node: DeadLetterData }> } }>(
      `query($provider: Provider, $includeReplayed: Boolean!) {
        deadLetters(provider: $provider, includeReplayed: $includeReplayed, first: 100) {
          totalCount edges { node { ${LETTER_FIELDS} } }
        }
      }`,
      { includeReplayed: false, ...args },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.deadLetters;
  }
  const replay = (id: string) =>
    t.gql<{ replayDeadLetter: DeadLetterData }>(
      `mutation($id: ID!) { replayDeadLetter(id: $id) { ${LETTER_FIELDS} } }`,
      { id },
    );

  it('records each write with its outcome and Stripe request id, and each inbound change, newest first', async () => {
    const c = await customers().create('History', 'history@example.com');
    const synced = await allSynced(c.id);
    const stripeId = present(synced.syncStatus.find((s) => s.provider === 'STRIPE')?.externalId, 'Stripe id');

    const writes = await expectEventually(async () => {
      const events = await eventsOf(c.id);
      const done = events.filter((e) => e.direction === 'OUTBOUND' && e.outcome === 'synced');
      return done.length === 2 && done;
    });
    const stripeWrite = present(
      writes.find((e) => e.provider === 'STRIPE'),
      'the Stripe write',
    );
    expect(stripeWrite).toMatchObject({ entityType: 'CUSTOMER', externalId: stripeId, error: null, attempt: 1 });
    expect(stripeWrite.providerRequestId).toMatch(/^req_/);
    // The id Stripe gave that request is the one its request log has for our create.
    const log = await fetch(`${emu.url}/v1/events?limit=100`, {
      headers: { authorization: 'Bearer sk_test_emulator' },
    }).then((r) => r.json() as Promise<{ data: Array<{ request: { id: string }; data: { object: { id: string } } }> }>);
    expect(log.data.filter((e) => e.data.object.id === stripeId).map((e) => e.request.id)).toContain(
      stripeWrite.providerRequestId,
    );
    // Salesforce answers carry no request id.
    expect(writes.find((e) => e.provider === 'SALESFORCE')?.providerRequestId).toBeNull();

    // A change in the Stripe dashboard: an inbound row for Stripe, then the write to Salesforce.
    await dashboard.customers.update(stripeId, { name: 'History Renamed' });
    const events = await expectEventually(async () => {
      const all = await eventsOf(c.id);
      const inbound = all.find((e) => e.direction === 'INBOUND' && e.provider === 'STRIPE' && e.outcome === 'updated');
      const toSalesforce = all.filter((e) => e.provider === 'SALESFORCE' && e.outcome === 'synced');
      return !!inbound && toSalesforce.length === 2 && all;
    });
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(events[0]?.durationMs).toBeGreaterThanOrEqual(0);

    // Paging: one at a time walks the same rows in the same order.
    const walked: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < events.length; i++) {
      const page = await history({ entityType: 'CUSTOMER', entityId: c.id, first: 1, after });
      walked.push(page.edges[0]!.node.id);
      after = page.edges[0]!.cursor;
      expect(page.pageInfo.hasNextPage).toBe(i < events.length - 1);
    }
    expect(walked).toEqual(events.map((e) => e.id));

    // By provider.
    const stripeOnly = await history({ provider: 'STRIPE', first: 100 });
    expect(stripeOnly.edges.every((e) => e.node.provider === 'STRIPE')).toBe(true);
  });

  it('lists a refused write as a dead letter, and a replay sends the record again', async () => {
    emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', status: 400, code: 'parameter_invalid' });
    const c = await customers().create('Refused', 'refused@example.com');
    await expectEventually(async () => {
      const s = (await customers().get(c.id)).syncStatus.find((x) => x.provider === 'STRIPE');
      return s?.state === 'FAILED';
    });
    const letter = await expectEventually(async () =>
      present(
        (await deadLetters({ provider: 'STRIPE' })).edges.map((e) => e.node).find((d) => d.entityId === c.id),
        'the dead letter',
      ),
    );
    expect(letter).toMatchObject({ direction: 'OUTBOUND', entityType: 'CUSTOMER', attempts: 1, replayedAt: null });
    expect(letter.error).toMatch(/Stripe/);
    const failed = await expectEventually(async () =>
      present(
        (await eventsOf(c.id)).find((e) => e.provider === 'STRIPE' && e.outcome === 'failed'),
        'the failed row',
      ),
    );
    expect(failed.providerRequestId).toMatch(/^req_/);
    expect(failed.error).toMatch(/Stripe customer create failed/);

    const replayed = await replay(letter.id);
    expect(replayed.errors).toBeUndefined();
    expect(replayed.data?.replayDeadLetter.replayedAt).not.toBeNull();
    await allSynced(c.id);
    expect((await deadLetters()).edges.some((e) => e.node.id === letter.id)).toBe(false);
    expect((await deadLetters({ includeReplayed: true })).edges.some((e) => e.node.id === letter.id)).toBe(true);
  });

  it('lists an inbound change that cannot apply, and a replay applies it', async () => {
    const c = await customers().create('Inbound', 'inbound@example.com');
    const synced = await allSynced(c.id);
    const stripeId = present(synced.syncStatus.find((s) => s.provider === 'STRIPE')?.externalId, 'Stripe id');
    // Stripe refuses the re-fetch the inbound worker makes (a permission error, not retried).
    emu.injectFaults({ count: 1, method: 'GET', path: `/v1/customers/${stripeId}$`, status: 403 });
    await dashboard.customers.update(stripeId, { name: 'Inbound Renamed' });
    const letter = await expectEventually(async () =>
      present(
        (await deadLetters({ provider: 'STRIPE' })).edges
          .map((e) => e.node)
          .find((d) => d.externalId === stripeId && d.direction === 'INBOUND'),
        'the inbound dead letter',
      ),
    );
    expect(letter.error).toMatch(/403|permission|Stripe/i);
    expect((await customers().get(c.id)).name).toBe('Inbound');

    expect((await replay(letter.id)).errors).toBeUndefined();
    await expectEventually(async () => (await customers().get(c.id)).name === 'Inbound Renamed');
    // Replayed once: a second replay changes nothing.
    const again = await replay(letter.id);
    expect(again.data?.replayDeadLetter.replayedAt).toBe((await replay(letter.id)).data?.replayDeadLetter.replayedAt);
  });

  it('answers bad arguments with their codes', async () => {
    const missing = await replay('00000000-0000-4000-8000-000000000000');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await replay('nope')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await t.gql(`{ syncEvents(after: "zzz") { edges { cursor } } }`);
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await t.gql(`{ syncEvents(first: 1000) { edges { cursor } } }`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
