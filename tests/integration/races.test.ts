import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { startAppWithBothProviders } from '../support/stripe.js';

/**
 * The races of issue #8, each reproduced deterministically: the emulator applies our write and holds its reply
 * (or loses it), a person acts on the provider side during the hold, then the reply is released. Each scenario
 * must end with the same data on all three sides, no duplicate provider record and nothing FAILED.
 */

const EXT_ID = 'Catalog_Sync_Id__c';
const FIELDS = `id name email version deletedAt possibleDuplicates { id }
  syncStatus { provider state externalId targetVersion lastError }`;

interface Customer {
  id: string;
  name: string;
  email: string;
  version: number;
  deletedAt: string | null;
  possibleDuplicates: Array<{ id: string }>;
  syncStatus: Array<{ provider: string; state: string; externalId: string | null; targetVersion: number }>;
}

describe('two-way sync under races (a provider-side edit while our write is in flight)', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let dashboard: Stripe;
  let sf: SalesforceEmulator;

  beforeAll(async () => {
    ({ t, emu, dashboard, sf } = await startAppWithBothProviders());
  });
  afterEach(() => {
    // Whatever a failed scenario left behind must not leak into the next one.
    for (const e of [emu, sf]) {
      e.clearFaults();
      e.release();
    }
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
    await sf?.close();
  });

  /**
   * Provider records linked to local ones, as the local records last read here say (`provider:id` -> local id): a
   * record made at a provider carries our id only after our next write to it (written back lazily), so until then
   * its link is what names its twin.
   */
  const links = new Map<string, string>();
  const remember = (c: Customer): Customer => {
    for (const st of c.syncStatus) if (st.externalId) links.set(`${st.provider}:${st.externalId}`, c.id);
    return c;
  };
  const get = async (id: string) =>
    remember(
      present(
        (
          await t.gql<{ customer: Customer }>(
            `query($id: ID!) { customer(id: $id, includeDeleted: true) { ${FIELDS} } }`,
            { id },
          )
        ).data?.customer,
        `customer ${id}`,
      ),
    );
  const byEmail = async (email: string) =>
    (
      await t.gql<{ customers: { edges: Array<{ node: Customer }> } }>(
        `query($s: String) { customers(search: $s, first: 50) { edges { node { ${FIELDS} } } } }`,
        { s: email },
      )
    ).data!.customers.edges.map((e) => remember(e.node));
  const create = async (name: string, email: string) => {
    const res = await t.gql<{ createCustomer: Customer }>(
      `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { ${FIELDS} } }`,
      { i: { name, email } },
    );
    return present(res.data?.createCustomer, `created customer (${JSON.stringify(res.errors)})`);
  };
  /** Waits until the live local customers with this email have these names (applied during a hold). */
  const namesFor = (email: string, names: string[]) =>
    expectEventually(async () => expect((await byEmail(email)).map((c) => c.name).sort()).toEqual(names));
  const twinOf = (provider: string, externalId: string, carried: unknown) =>
    typeof carried === 'string' && carried ? carried : links.get(`${provider}:${externalId}`);
  const stripeTwins = (id: string) =>
    emu.customers().filter((c) => twinOf('STRIPE', c.id, c.metadata.internal_id) === id);
  const contactTwins = (id: string) =>
    sf.contacts().filter((c) => twinOf('SALESFORCE', c.Id, (c as unknown as Record<string, unknown>)[EXT_ID]) === id);
  const contactName = (c: { FirstName: string | null; LastName: string }) =>
    [c.FirstName, c.LastName].filter(Boolean).join(' ');

  /** Settled: SYNCED at both providers at the current version, and each provider holds exactly one twin with our data. */
  const agreeEverywhere = (id: string) =>
    expectEventually(async () => {
      const c = await get(id);
      expect(c.syncStatus.map((s) => [s.provider, s.state, s.targetVersion])).toEqual([
        ['SALESFORCE', 'SYNCED', c.version],
        ['STRIPE', 'SYNCED', c.version],
      ]);
      if (c.deletedAt) {
        expect(stripeTwins(id)).toEqual([]);
        expect(contactTwins(id)).toEqual([]);
      } else {
        const [s, ...moreS] = stripeTwins(id);
        const [f, ...moreF] = contactTwins(id);
        expect([moreS, moreF]).toEqual([[], []]);
        expect({ name: s?.name, email: s?.email }).toEqual({ name: c.name, email: c.email });
        expect({ name: f && contactName(f), email: f?.Email }).toEqual({ name: c.name, email: c.email });
        expect(c.syncStatus.map((x) => x.externalId)).toEqual([f!.Id, s!.id]);
      }
      return c;
    });

  /** Our Stripe create of record `id` has been applied and its reply is held. */
  const holdStripeCreate = (gate: string) =>
    emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', hold: gate });
  const stripeCopyWhileHeld = (gate: string, id: string) =>
    expectEventually(() => {
      expect(emu.held().map((h) => h.hold)).toContain(gate);
      return present(stripeTwins(id)[0], 'the Stripe copy');
    });

  it('1. a Stripe copy deleted while its create reply is held: the delete reaches the catalog and Salesforce', async () => {
    holdStripeCreate('delete-race');
    const c = await create('Deleted Right Away', 'race.delete@example.com');
    const copy = await stripeCopyWhileHeld('delete-race', c.id);
    await dashboard.customers.del(copy.id);
    emu.release('delete-race');
    const settled = await agreeEverywhere(c.id);
    expect(settled.deletedAt).not.toBeNull();
  });

  it('1b. an update answered 404 (deleted in Stripe, its event not here yet) applies the delete, not FAILED', async () => {
    const c = await create('Gone Quietly', 'race.gone@example.com');
    const { syncStatus } = await agreeEverywhere(c.id);
    emu.setWebhookUrl(undefined);
    try {
      await dashboard.customers.del(present(syncStatus.find((x) => x.provider === 'STRIPE')?.externalId, 'stripe id'));
      await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Edited Here"}) { version } }`, {
        id: c.id,
      });
      const settled = await agreeEverywhere(c.id);
      expect(settled.deletedAt).not.toBeNull();
    } finally {
      emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    }
  });

  it('2. a Stripe copy renamed while its create reply is held: the rename wins everywhere', async () => {
    holdStripeCreate('rename-race');
    const c = await create('Renamed Right Away', 'race.rename@example.com');
    const copy = await stripeCopyWhileHeld('rename-race', c.id);
    await dashboard.customers.update(copy.id, { name: 'Renamed In Stripe' });
    emu.release('rename-race');
    await expectEventually(async () => expect((await get(c.id)).name).toBe('Renamed In Stripe'));
    const settled = await agreeEverywhere(c.id);
    expect(settled.name).toBe('Renamed In Stripe');
    expect(stripeTwins(c.id)).toEqual([expect.objectContaining({ id: copy.id })]);
  });

  it('2b. several creates at once, each Stripe copy renamed as soon as it appears: every rename wins', async () => {
    const n = 4;
    emu.injectFaults({ count: n, method: 'POST', path: '/v1/customers$', hold: 'batch' });
    const made = await Promise.all(
      Array.from({ length: n }, (_, i) => create(`Batch ${i}`, `race.batch.${i}@example.com`)),
    );
    // Whichever creates are held (partitions are written concurrently): rename their copies, then let them go.
    const renamed = new Set<string>();
    while (renamed.size < n) {
      const copies = await expectEventually(() => {
        const fresh = made.filter((m) => !renamed.has(m.id) && stripeTwins(m.id).length === 1);
        expect(fresh.length).toBeGreaterThan(0);
        return fresh;
      });
      for (const m of copies) {
        await dashboard.customers.update(stripeTwins(m.id)[0]!.id, { name: `Person ${m.name}` });
        renamed.add(m.id);
      }
      emu.release('batch');
    }
    for (const m of made) {
      const settled = await agreeEverywhere(m.id);
      expect(settled.name).toBe(`Person ${m.name}`);
    }
  });

  it('3. a person creates a Stripe customer with our email while our create is held: both kept, each with one twin', async () => {
    holdStripeCreate('same-email');
    const ours = await create('Ours', 'race.same@example.com');
    await stripeCopyWhileHeld('same-email', ours.id);
    const theirs = await dashboard.customers.create({ name: 'Theirs', email: 'race.same@example.com' });
    // Applied while our create is still in flight: ours is being created there, so theirs is not linked to it
    // (that would leave our Stripe customer orphaned); it becomes a local record of its own.
    await namesFor('race.same@example.com', ['Ours', 'Theirs']);
    emu.release('same-email');
    const both = await expectEventually(async () => {
      const found = await byEmail('race.same@example.com');
      expect(found.map((c) => c.name).sort()).toEqual(['Ours', 'Theirs']);
      return found;
    });
    for (const c of both) await agreeEverywhere(c.id);
    const local = present(
      both.find((c) => c.name === 'Theirs'),
      'their local record',
    );
    // Kept both, flagged: each lists the other as a possible duplicate.
    expect(local.possibleDuplicates).toEqual([{ id: ours.id }]);
    expect((await get(ours.id)).possibleDuplicates).toEqual([{ id: local.id }]);
    expect(stripeTwins(local.id)).toEqual([expect.objectContaining({ id: theirs.id })]);
    expect(emu.customers().filter((c) => c.email === 'race.same@example.com')).toHaveLength(2);
  });

  it('3b. a person creates a Contact with our email while our Salesforce upsert is held: no DUPLICATE_VALUE, both kept', async () => {
    sf.injectFaults({ count: 1, method: 'PATCH', path: `/composite/sobjects/Contact/${EXT_ID}`, hold: 'sf-same' });
    const ours = await create('Ours Sf', 'race.same.sf@example.com');
    await expectEventually(() => {
      expect(sf.held().map((h) => h.hold)).toContain('sf-same');
      return present(contactTwins(ours.id)[0], 'our contact');
    });
    sf.ui.create('Contact', { FirstName: 'Theirs', LastName: 'Sf', Email: 'race.same.sf@example.com' });
    await namesFor('race.same.sf@example.com', ['Ours Sf', 'Theirs Sf']);
    sf.release('sf-same');
    const both = await expectEventually(async () => {
      const found = await byEmail('race.same.sf@example.com');
      expect(found.map((c) => c.name).sort()).toEqual(['Ours Sf', 'Theirs Sf']);
      return found;
    });
    for (const c of both) await agreeEverywhere(c.id);
    expect(sf.contacts().filter((c) => c.Email === 'race.same.sf@example.com')).toHaveLength(2);
  });

  it('4. a leftover of a deleted record (create applied, reply lost), edited in Stripe, is deleted, never brought back', async () => {
    // Applied, but the reply is lost; every later attempt fails before reaching Stripe (until faults are cleared).
    emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', phase: 'after', status: 500 });
    emu.injectFaults({ count: 1000, method: 'POST', path: '/v1/customers$', status: 503 });
    const c = await create('Short Lived', 'race.leftover@example.com');
    const leftover = await expectEventually(() => present(stripeTwins(c.id)[0], 'the applied create'));
    const stripeState = async () => (await get(c.id)).syncStatus.find((x) => x.provider === 'STRIPE')?.state;
    await expectEventually(async () => expect(await stripeState()).toBe('FAILED'));
    await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: c.id });
    // Someone edits the leftover in Stripe before our delete got through: its event names the deleted record.
    await dashboard.customers.update(leftover.id, { name: 'Edited Leftover' });
    await expectEventually(async () => expect(await byEmail('race.leftover@example.com')).toEqual([]), {
      timeoutMs: 2000,
    }).catch(() => undefined); // (old code brought it back here; the assertions below say so)
    emu.clearFaults();
    await expectEventually(() => expect(stripeTwins(c.id)).toEqual([]));
    // Not brought back: no live customer with that email, the record stays deleted, no Contact for it.
    expect(await byEmail('race.leftover@example.com')).toEqual([]);
    expect((await agreeEverywhere(c.id)).deletedAt).not.toBeNull();
    expect(sf.contacts().filter((x) => x.Email === 'race.leftover@example.com')).toEqual([]);
  });

  it('4b. a record deleted here while its create reply was lost: the delete finds what the create made', async () => {
    emu.setWebhookUrl(undefined); // nothing tells us about the leftover but our own retry
    try {
      emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', phase: 'after', status: 500 });
      emu.injectFaults({ count: 1000, method: 'POST', path: '/v1/customers$', status: 503 });
      const c = await create('Never Replied', 'race.noreply@example.com');
      await expectEventually(() => present(stripeTwins(c.id)[0], 'the applied create'));
      await expectEventually(async () => {
        const s = (await get(c.id)).syncStatus.find((x) => x.provider === 'STRIPE');
        expect(s?.state).toBe('FAILED');
      });
      await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { id } }`, { id: c.id });
      emu.clearFaults();
      await expectEventually(() => expect(stripeTwins(c.id)).toEqual([]));
      expect((await agreeEverywhere(c.id)).deletedAt).not.toBeNull();
    } finally {
      emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    }
  });

  /** One local customer with this email, twinned with exactly these provider records, everything SYNCED. */
  const oneCustomer = async (email: string, stripeId: string, contactId: string) => {
    const [local, ...more] = await byEmail(email);
    expect(more).toEqual([]);
    const settled = await agreeEverywhere(present(local, 'local').id);
    expect(settled.syncStatus.map((x) => x.externalId)).toEqual([contactId, stripeId]);
    expect(emu.customers().filter((c) => c.email === email)).toHaveLength(1);
    expect(sf.contacts().filter((c) => c.Email === email)).toHaveLength(1);
    expect(settled.possibleDuplicates).toEqual([]);
  };

  it('5. the same person created in Stripe and in Salesforce at once, the Contact seen late: one customer', async () => {
    // Nothing tells us about the Contact until the held poll is released: outbound messages off, the poll held.
    sf.setOutboundMessageUrl(undefined);
    sf.injectFaults({ count: 1, method: 'GET', path: '/sobjects/Contact/updated', hold: 'late' });
    try {
      await expectEventually(() => expect(sf.held().map((h) => h.hold)).toContain('late'));
      const contactId = sf.ui.create('Contact', {
        FirstName: 'Twice',
        LastName: 'Made',
        Email: 'race.twice@example.com',
      });
      const s = await dashboard.customers.create({ name: 'Twice Made', email: 'race.twice@example.com' });
      // The record made from the Stripe customer finds the person's Contact before creating one, and links it.
      const local = await expectEventually(async () => present((await byEmail('race.twice@example.com'))[0], 'local'));
      await expectEventually(async () => {
        await get(local.id);
        expect(contactTwins(local.id).map((c) => c.Id)).toEqual([contactId]);
      });
      sf.release('late');
      await oneCustomer('race.twice@example.com', s.id, contactId);
    } finally {
      sf.setOutboundMessageUrl(`${t.url}/webhooks/salesforce`);
    }
  });

  it('5b. the same person created in Stripe and in Salesforce at once, the Stripe event lost: one customer', async () => {
    emu.setWebhookUrl(undefined); // the customer.created event is dropped
    const s = await dashboard.customers.create({ name: 'Thrice Made', email: 'race.thrice@example.com' });
    emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    const contactId = sf.ui.create('Contact', {
      FirstName: 'Thrice',
      LastName: 'Made',
      Email: 'race.thrice@example.com',
    });
    // The record made from the Contact finds the person's Stripe customer before creating one, and links it.
    const local = await expectEventually(async () => present((await byEmail('race.thrice@example.com'))[0], 'local'));
    await expectEventually(async () => {
      await get(local.id);
      expect(stripeTwins(local.id).map((c) => c.id)).toEqual([s.id]);
    });
    await oneCustomer('race.thrice@example.com', s.id, contactId);
  });

  it('6. a Contact deleted in Salesforce while our upsert reply is lost: the repeated upsert does not bring it back', async () => {
    // Our upsert is applied, its reply held and then answered 503; the person deletes the Contact during the hold.
    // The poll that would report the delete is held too, so our retry comes first (as with a slow poll).
    sf.injectFaults({
      count: 1,
      method: 'PATCH',
      path: `/composite/sobjects/Contact/${EXT_ID}`,
      hold: 'lost',
      status: 503,
    });
    sf.injectFaults({ count: 1, method: 'GET', path: '/sobjects/Contact/deleted', hold: 'poll' });
    const c = await create('Deleted In Sf', 'race.sfdelete@example.com');
    const contact = await expectEventually(() => {
      expect(sf.held().map((h) => h.hold)).toContain('lost');
      return present(contactTwins(c.id)[0], 'our contact');
    });
    await expectEventually(() => expect(sf.held().map((h) => h.hold)).toContain('poll'));
    sf.ui.delete('Contact', contact.Id);
    sf.release('lost');
    // The delete reaches the catalog and Stripe through our own retry; no new Contact is made for the record.
    const settled = await agreeEverywhere(c.id);
    expect(settled.deletedAt).not.toBeNull();
    sf.release('poll');
    expect(sf.contacts().filter((x) => x.Email === 'race.sfdelete@example.com')).toEqual([]);
    expect(await byEmail('race.sfdelete@example.com')).toEqual([]);
  });
});
