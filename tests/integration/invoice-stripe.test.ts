import pg from 'pg';
import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import { signatureHeader, type StripeEmulator } from '../../emulators/stripe/index.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import { catalogTopic } from '../../src/core/topics.js';
import { createKafkaTransport } from '../../src/platform/kafka.js';
import { collectEvents, testLogger, type TestApp } from '../support/harness.js';
import { invoicesApi, type InvoiceData } from '../support/invoices-api.js';
import { startAppWithBothProviders, STRIPE_WEBHOOK_SECRET } from '../support/stripe.js';

/**
 * Invoices <-> Stripe Invoices through the real stripe client, with Salesforce following through the catalog, on
 * real Postgres and Kafka.
 */
describe('invoice sync with Stripe (and Salesforce through the catalog)', () => {
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
  afterEach(() => {
    emu.clearFaults();
    emu.release();
  });

  const customers = () => customersApi(t);
  const invoices = () => invoicesApi(t);
  const stripeInvoice = (id: string) => dashboard.invoices.retrieve(id);
  const sfInvoice = (id: string | null) =>
    present(
      sf.invoices().find((r) => r.Id === id),
      `Salesforce invoice ${id}`,
    );
  /** Both providers hold `version` of the invoice. */
  const settled = async (id: string, version: number) => {
    const stripe = await invoices().synced(id, 'STRIPE', version);
    const salesforce = await invoices().synced(id, 'SALESFORCE', version);
    return { stripe: present(stripe.externalId, 'Stripe id'), salesforce: salesforce.externalId };
  };
  /** Waits for the catalog to show `expected`, then for both providers to hold that version. */
  const arrives = async (id: string, expected: Partial<InvoiceData>) => {
    const inv = await expectEventually(async () => {
      const got = await invoices().get(id);
      expect(got).toMatchObject(expected);
      return got;
    });
    return { inv, ...(await settled(id, inv.version)) };
  };
  const customerAt = async (name: string, email: string) => {
    const c = await customers().create(name, email);
    const s = await customers().synced(c.id, 'STRIPE', 1);
    await customers().synced(c.id, 'SALESFORCE', 1);
    return { id: c.id, stripeId: present(s.externalId, 'Stripe customer id') };
  };
  const invoiceCalls = () => emu.requestLog().filter((r) => r.path.startsWith('/v1/invoice') && r.method !== 'GET');

  it('a local invoice becomes a Stripe draft with its item; edits, finalize (numbered by Stripe) and pay follow', async () => {
    const c = await customerAt('Grace Hopper', 'grace.stripe-inv@example.com');
    const inv = await invoices().create({
      customerId: c.id,
      amountCents: 123456,
      currency: 'USD',
      description: 'Compiler consulting',
      dueDate: '2027-01-31',
    });
    const ids = await settled(inv.id, 1);
    expect(await stripeInvoice(ids.stripe)).toMatchObject({
      customer: c.stripeId,
      status: 'draft',
      total: 123456,
      currency: 'usd',
      collection_method: 'send_invoice',
      description: 'Compiler consulting',
      metadata: { internal_id: inv.id },
      number: null,
    });
    expect(new Date((await stripeInvoice(ids.stripe)).due_date! * 1000).toISOString().slice(0, 10)).toBe('2027-01-31');

    expect((await invoices().update(inv.id, { amountCents: 99900, description: 'Revised' })).errors).toBeUndefined();
    await settled(inv.id, 2);
    expect(await stripeInvoice(ids.stripe)).toMatchObject({ total: 99900, description: 'Revised', status: 'draft' });

    // Stripe numbers the invoice when it is finalized: the number comes back to the catalog and on to Salesforce.
    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    const { inv: numbered } = await arrives(inv.id, { status: 'OPEN', number: expect.stringMatching(/-\d{4}$/) });
    const atStripe = await stripeInvoice(ids.stripe);
    expect(atStripe).toMatchObject({ status: 'open', number: numbered.number, amount_due: 99900 });
    expect(sfInvoice(ids.salesforce)).toMatchObject({ Name: numbered.number, Status__c: 'Open', Amount__c: 999 });

    expect((await invoices().move(inv.id, 'pay')).errors).toBeUndefined();
    await settled(inv.id, numbered.version + 1);
    expect(await stripeInvoice(ids.stripe)).toMatchObject({ status: 'paid', amount_paid: 99900 });
    expect(sfInvoice(ids.salesforce).Status__c).toBe('Paid');
    // Our own writes come back as webhooks and Outbound Messages: none changes the invoice again.
    const calls = invoiceCalls().length;
    await barrier();
    expect((await invoices().get(inv.id)).version).toBe(numbered.version + 1);
    expect(invoiceCalls().length).toBe(calls);
  });

  it('paid, voided and marked uncollectible in Stripe: the catalog follows and so does Salesforce', async () => {
    const c = await customerAt('Barbara Liskov', 'barbara.stripe-inv@example.com');
    const made = await Promise.all(
      [100, 200, 300].map((amountCents) => invoices().create({ customerId: c.id, amountCents, currency: 'EUR' })),
    );
    for (const inv of made) expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    const linked = [];
    for (const inv of made) linked.push((await arrives(inv.id, { status: 'OPEN', number: expect.any(String) })).stripe);
    const [paid, voided, bad] = linked as [string, string, string];

    await dashboard.invoices.pay(paid, { paid_out_of_band: true });
    await dashboard.invoices.voidInvoice(voided);
    await dashboard.invoices.markUncollectible(bad);
    const [p, v, u] = made as [InvoiceData, InvoiceData, InvoiceData];
    expect(sfInvoice((await arrives(p.id, { status: 'PAID' })).salesforce).Status__c).toBe('Paid');
    expect(sfInvoice((await arrives(v.id, { status: 'VOID' })).salesforce).Status__c).toBe('Void');
    expect(sfInvoice((await arrives(u.id, { status: 'UNCOLLECTIBLE' })).salesforce).Status__c).toBe('Uncollectible');

    // Uncollectible, then paid after all.
    await dashboard.invoices.pay(bad, { paid_out_of_band: true });
    expect(sfInvoice((await arrives(u.id, { status: 'PAID' })).salesforce).Status__c).toBe('Paid');
  });

  it("a finalize applied at Stripe whose reply was lost: the retry finds it open and still reads Stripe's number", async () => {
    const c = await customerAt('Jean Sammet', 'jean.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 4000, currency: 'USD' });
    const { stripe } = await settled(inv.id, 1);
    emu.injectFaults({
      count: 1,
      method: 'POST',
      path: `/v1/invoices/${stripe}/finalize$`,
      phase: 'after',
      status: 503,
    });
    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    const { inv: numbered, salesforce } = await arrives(inv.id, { status: 'OPEN', number: expect.any(String) });
    expect(numbered.number).toBe((await stripeInvoice(stripe)).number);
    expect(sfInvoice(salesforce).Name).toBe(numbered.number);
  });

  it('voided and marked uncollectible here, then paid: Stripe and Salesforce follow each move', async () => {
    const c = await customerAt('Per Brinch Hansen', 'per.stripe-inv@example.com');
    const [a, b] = await Promise.all(
      [100, 200].map((amountCents) => invoices().create({ customerId: c.id, amountCents, currency: 'DKK' })),
    );
    const moveTo = async (id: string, to: 'pay' | 'void' | 'uncollectible') => {
      expect((await invoices().move(id, to)).errors).toBeUndefined();
      return settled(id, (await invoices().get(id)).version);
    };
    // Each finalize waits for Stripe's number to come back, so the next move is the only change in flight.
    const finalize = async (id: string) => {
      expect((await invoices().move(id, 'finalize')).errors).toBeUndefined();
      await arrives(id, { status: 'OPEN', number: expect.any(String) });
    };
    await finalize(a!.id);
    const voided = await moveTo(a!.id, 'void');
    expect(await stripeInvoice(voided.stripe)).toMatchObject({ status: 'void' });
    expect(sfInvoice(voided.salesforce).Status__c).toBe('Void');
    await finalize(b!.id);
    const bad = await moveTo(b!.id, 'uncollectible');
    expect(await stripeInvoice(bad.stripe)).toMatchObject({ status: 'uncollectible' });
    expect(sfInvoice(bad.salesforce).Status__c).toBe('Uncollectible');
    const paid = await moveTo(b!.id, 'pay');
    expect(await stripeInvoice(paid.stripe)).toMatchObject({ status: 'paid', amount_paid: 200 });
    expect(sfInvoice(paid.salesforce).Status__c).toBe('Paid');
  });

  it('a draft edited in the Stripe dashboard comes back; one deleted there is deleted here and in Salesforce', async () => {
    const c = await customerAt('Alan Kay', 'alan.stripe-inv@example.com');
    const edited = await invoices().create({ customerId: c.id, amountCents: 1000, currency: 'USD' });
    const gone = await invoices().create({ customerId: c.id, amountCents: 2000, currency: 'USD' });
    const e = await settled(edited.id, 1);
    const g = await settled(gone.id, 1);

    await dashboard.invoices.update(e.stripe, { description: 'Edited in Stripe' });
    const [item] = (await dashboard.invoiceItems.list({ invoice: e.stripe })).data;
    await dashboard.invoiceItems.update(present(item, 'invoice item').id, { amount: 4321 });
    const back = await arrives(edited.id, { description: 'Edited in Stripe', amountCents: 4321 });
    expect(sfInvoice(back.salesforce)).toMatchObject({ Description__c: 'Edited in Stripe', Amount__c: 43.21 });

    await dashboard.invoices.del(g.stripe);
    await expectEventually(async () => expect((await invoices().get(gone.id)).deletedAt).not.toBeNull());
    await expectEventually(() => expect(sf.invoices().find((r) => r.Id === g.salesforce)).toBeUndefined());
  });

  it('deleting a local draft deletes the Stripe draft', async () => {
    const c = await customerAt('Niklaus Wirth', 'niklaus.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 700, currency: 'CHF' });
    const ids = await settled(inv.id, 1);
    expect((await invoices().remove(inv.id)).errors).toBeUndefined();
    await settled(inv.id, 2);
    await expect(stripeInvoice(ids.stripe)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('an invoice made in the Stripe dashboard for a customer we do not know brings the customer in first', async () => {
    const person = await dashboard.customers.create({ name: 'Edsger Dijkstra', email: 'ewd.stripe-inv@example.com' });
    const draft = await dashboard.invoices.create({
      customer: person.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      currency: 'eur',
      description: 'Made in the dashboard',
    });
    await dashboard.invoiceItems.create({ customer: person.id, invoice: draft.id!, amount: 4200, currency: 'eur' });
    await dashboard.invoices.finalizeInvoice(draft.id!);

    const local = await expectEventually(async () =>
      present(
        (await invoices().list()).find((i) => i.description === 'Made in the dashboard' && i.status === 'OPEN'),
        'imported invoice',
      ),
    );
    const customer = await customers().get(local.customerId);
    expect(customer).toMatchObject({ name: 'Edsger Dijkstra', email: 'ewd.stripe-inv@example.com' });
    const ids = await settled(local.id, local.version);
    expect(ids.stripe).toBe(draft.id);
    expect(local).toMatchObject({ amountCents: 4200, currency: 'EUR', number: expect.any(String) });
    const contact = await customers().synced(customer.id, 'SALESFORCE', customer.version);
    expect(sfInvoice(ids.salesforce)).toMatchObject({
      Contact__c: contact.externalId,
      Amount__c: 42,
      Status__c: 'Open',
      Name: local.number,
    });
    // Our id is stored on the Stripe invoice with our next write to it, not by a write of its own.
    expect((await stripeInvoice(draft.id!)).metadata).toEqual({});
    const edited = await t.gql(
      `mutation($id: ID!) { updateInvoice(id: $id, input: { description: "Edited here" }) { version } }`,
      { id: local.id },
    );
    expect(edited.errors).toBeUndefined();
    await expectEventually(async () =>
      expect(await stripeInvoice(draft.id!)).toMatchObject({
        description: 'Edited here',
        metadata: { internal_id: local.id },
      }),
    );
  });

  it('an invoice with nothing to pay is marked paid by Stripe on finalizing, and the catalog learns it', async () => {
    const c = await customerAt('Frances Allen', 'frances.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 0, currency: 'USD' });
    await settled(inv.id, 1);
    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    const { salesforce } = await arrives(inv.id, { status: 'PAID', number: expect.any(String) });
    expect(sfInvoice(salesforce).Status__c).toBe('Paid');
  });

  it('a draft whose currency changes is replaced at Stripe (Stripe cannot change it) and the link follows', async () => {
    const c = await customerAt('John Backus', 'john.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 5000, currency: 'USD' });
    const first = await settled(inv.id, 1);
    expect((await invoices().update(inv.id, { currency: 'JPY' })).errors).toBeUndefined();
    // The replacement is read back (Stripe may set values of its own on it), which can make a version 3 at any
    // moment: wait for both providers to hold the version the catalog has, whichever it is then.
    const second = await expectEventually(async () => {
      const { version } = await invoices().get(inv.id);
      const [stripe, salesforce] = [
        await invoices().status(inv.id, 'STRIPE'),
        await invoices().status(inv.id, 'SALESFORCE'),
      ];
      expect([stripe, salesforce]).toMatchObject([
        { state: 'SYNCED', targetVersion: version },
        { state: 'SYNCED', targetVersion: version },
      ]);
      expect(version).toBeGreaterThanOrEqual(2);
      return { stripe: present(stripe.externalId, 'Stripe id'), salesforce: salesforce.externalId };
    });
    expect(second.stripe).not.toBe(first.stripe);
    expect(await stripeInvoice(second.stripe)).toMatchObject({ currency: 'jpy', total: 5000, status: 'draft' });
    await expect(stripeInvoice(first.stripe)).rejects.toMatchObject({ statusCode: 404 });
    expect(sfInvoice(second.salesforce)).toMatchObject({ Currency__c: 'JPY', Amount__c: 5000 });
    // The old draft's `invoice.deleted` names no linked record: the invoice stays.
    await barrier();
    expect((await invoices().get(inv.id)).deletedAt).toBeNull();
  });

  it('moves made while the invoice waited for its customer go out together: the draft is made, finalized, paid', async () => {
    // Stripe refuses the customer until the faults are cleared: it ends dead-lettered, its invoice waiting for it.
    emu.injectFaults({ count: 1000, method: 'POST', path: '/v1/customers$', status: 503 });
    const c = await customers().create('Kristen Nygaard', 'kristen.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 900, currency: 'NOK' });
    await expectEventually(async () =>
      expect(await invoices().status(inv.id, 'STRIPE')).toMatchObject({
        state: 'PENDING',
        waitingFor: { entityId: c.id },
      }),
    );
    expect((await invoices().move(inv.id, 'finalize')).errors).toBeUndefined();
    expect((await invoices().move(inv.id, 'pay')).errors).toBeUndefined();
    await expectEventually(async () =>
      expect(await customers().status(c.id, 'STRIPE')).toMatchObject({ state: 'FAILED' }),
    );
    expect(await invoices().status(inv.id, 'STRIPE')).toMatchObject({ state: 'PENDING', attempts: 0, lastError: null });

    emu.clearFaults();
    const retried = await t.gql(
      `mutation($id: ID!) { retrySync(entityType: CUSTOMER, entityId: $id, provider: STRIPE) { state } }`,
      {
        id: c.id,
      },
    );
    expect(retried.errors).toBeUndefined();
    const { stripe } = await arrives(inv.id, { status: 'PAID', number: expect.any(String) });
    expect(await stripeInvoice(stripe)).toMatchObject({ status: 'paid', total: 900, currency: 'nok' });
  });

  it('parents first without deadlock: a redelivered invoice event checks its customer while the customer is linked', async () => {
    // The invoice waits for its customer (marked, committed). The customer's create is then applied at Stripe with
    // its reply held (its worker holds the customer's sync-state lock across the call) while the invoice's event
    // is delivered again (Kafka delivers at least once): that worker locks the invoice and waits to read the
    // customer's link. The link then wakes the invoice; it must not need the lock the other worker holds.
    const db = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await db.connect();
    const events = await collectEvents([catalogTopic('INVOICE')]);
    const kafka = createKafkaTransport({
      brokers: t.config.KAFKA_BROKERS,
      clientId: 't',
      logger: testLogger,
    });
    try {
      const deadlocks = async () =>
        Number(
          (
            await db.query<{ n: string }>(
              'select deadlocks as n from pg_stat_database where datname = current_database()',
            )
          ).rows[0]!.n,
        );
      const before = await deadlocks();
      emu.injectFaults({ count: 1000, method: 'POST', path: '/v1/customers$', status: 503 });
      const c = await customers().create('Peter Naur', 'peter.stripe-inv@example.com');
      const inv = await invoices().create({ customerId: c.id, amountCents: 800, currency: 'DKK' });
      await expectEventually(async () =>
        expect(await invoices().status(inv.id, 'STRIPE')).toMatchObject({ waitingFor: { entityId: c.id } }),
      );
      emu.clearFaults();
      emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', hold: 'customer' });
      await expectEventually(() => expect(emu.held()).toHaveLength(1), { timeoutMs: 30_000 });
      const created = await expectEventually(() =>
        present(
          events.events.find((e) => e.entityId === inv.id),
          'invoice event',
        ),
      );
      const { key, ...envelope } = created;
      await kafka.publish([{ topic: catalogTopic('INVOICE'), key: key ?? inv.id, value: JSON.stringify(envelope) }]);
      await expectEventually(async () => {
        const waits = await db.query(
          `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        expect(waits.rowCount).toBeGreaterThan(0);
      });
      emu.release('customer');
      const ids = await settled(inv.id, 1);
      expect((await stripeInvoice(ids.stripe)).customer).toBe((await customers().status(c.id, 'STRIPE')).externalId);
      // PostgreSQL reports a backend's counters when its transaction ends: a later write of ours flushes them.
      await barrier();
      expect(await deadlocks()).toBe(before);
    } finally {
      await events.stop();
      await kafka.close();
      await db.end();
    }
  });

  it('parents first: while Stripe refuses the customer, its invoice waits for it without using attempts', async () => {
    emu.injectFaults({ count: 3, method: 'POST', path: '/v1/customers$', status: 503 });
    const c = await customers().create('Ole-Johan Dahl', 'ole.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 1500, currency: 'NOK' });
    const waiting = await expectEventually(async () => {
      const s = await invoices().status(inv.id, 'STRIPE');
      expect(s).toMatchObject({
        state: 'PENDING',
        attempts: 0,
        waitingFor: { entityType: 'CUSTOMER', entityId: c.id },
      });
      return s;
    });
    expect(waiting.lastError).toBeNull();
    const ids = await settled(inv.id, 1);
    const customer = await customers().synced(c.id, 'STRIPE', 1);
    expect((await stripeInvoice(ids.stripe)).customer).toBe(customer.externalId);
  });

  it('duplicate and late events change nothing: the current invoice is read, never the event payload', async () => {
    const c = await customerAt('Tony Hoare', 'tony.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 3300, currency: 'GBP' });
    const { stripe } = await settled(inv.id, 1);
    await dashboard.invoices.finalizeInvoice(stripe);
    await dashboard.invoices.pay(stripe, { paid_out_of_band: true });
    const paid = (await arrives(inv.id, { status: 'PAID' })).inv;
    // Deliveries are independent and unordered: wait until both have been delivered.
    const delivered = (type: string) =>
      expectEventually(() =>
        present(
          emu.deliveredEvents().find((e) => e.type === type && e.data.object.id === stripe),
          type,
        ),
      );
    const created = await delivered('invoice.created');
    const finalized = await delivered('invoice.finalized');
    // The same event again (Stripe retries), and an old one under a new id (a late, out-of-order delivery).
    expect((await postEvent(finalized)).status).toBe(200);
    expect((await postEvent({ ...created, id: `${created.id}_late` })).status).toBe(200);
    await barrier();
    expect(await invoices().get(inv.id)).toMatchObject({ status: 'PAID', version: paid.version });
  });

  it('concurrent edits: our description update held at Stripe while a person changes the amount there; both win', async () => {
    const c = await customerAt('Leslie Lamport', 'leslie.stripe-inv@example.com');
    const inv = await invoices().create({ customerId: c.id, amountCents: 1000, currency: 'USD' });
    const { stripe } = await settled(inv.id, 1);
    emu.injectFaults({ count: 1, method: 'POST', path: `/v1/invoices/${stripe}$`, hold: 'ours' });
    expect((await invoices().update(inv.id, { description: 'Ours' })).errors).toBeUndefined();
    await expectEventually(() => expect(emu.held()).toHaveLength(1));
    const [item] = (await dashboard.invoiceItems.list({ invoice: stripe })).data;
    await dashboard.invoiceItems.update(present(item, 'item').id, { amount: 2500 });
    emu.release('ours');
    const both = await arrives(inv.id, { description: 'Ours', amountCents: 2500 });
    expect(await stripeInvoice(stripe)).toMatchObject({ description: 'Ours', total: 2500 });
    expect(sfInvoice(both.salesforce)).toMatchObject({ Description__c: 'Ours', Amount__c: 25 });
  });

  it('imports Stripe invoices made while webhooks were off, bringing their customers in first', async () => {
    emu.setWebhookUrl(undefined);
    let made: Stripe.Invoice[];
    try {
      const person = await dashboard.customers.create({ name: 'Import Me', email: 'import.stripe-inv@example.com' });
      made = [];
      for (const amount of [111, 222, 333]) {
        const draft = await dashboard.invoices.create({
          customer: person.id,
          collection_method: 'send_invoice',
          days_until_due: 7,
          currency: 'usd',
        });
        await dashboard.invoiceItems.create({ customer: person.id, invoice: draft.id!, amount, currency: 'usd' });
        made.push(draft);
      }
      await dashboard.invoices.finalizeInvoice(made[2]!.id!);
    } finally {
      emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    }
    const started = await t.gql<{ importFromProvider: { id: string } }>(
      `mutation { importFromProvider(provider: STRIPE, entityType: INVOICE) { id } }`,
    );
    expect(started.errors).toBeUndefined();
    const job = await expectEventually(async () => {
      const r = await t.gql<{ importJob: Record<string, unknown> }>(
        `query($id: ID!) { importJob(id: $id) { status processed created error } }`,
        { id: started.data!.importFromProvider.id },
      );
      expect(r.data!.importJob).toMatchObject({ status: 'COMPLETED', error: null });
      return r.data!.importJob;
    });
    expect(job.created).toBe(3);
    const imported = await Promise.all(
      made.map((m) =>
        expectEventually(async () =>
          present(
            (await invoices().list()).find((i) => i.syncStatus.some((s) => s.externalId === m.id)),
            `invoice ${m.id}`,
          ),
        ),
      ),
    );
    expect(imported.map((i) => [i.amountCents, i.status])).toEqual([
      [111, 'DRAFT'],
      [222, 'DRAFT'],
      [333, 'OPEN'],
    ]);
    const customer = await customers().get(imported[0]!.customerId);
    expect(customer).toMatchObject({ name: 'Import Me' });
    for (const i of imported) await settled(i.id, (await invoices().get(i.id)).version);
  });

  async function postEvent(event: object) {
    const body = JSON.stringify(event);
    return fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(body, STRIPE_WEBHOOK_SECRET) },
      body,
    });
  }

  /** A later change that has fully settled shows that earlier events have been handled, without sleeping. */
  async function barrier() {
    const c = await customers().create('Barrier', `barrier-${Date.now()}@example.com`);
    await customers().synced(c.id, 'STRIPE', 1);
    await customers().synced(c.id, 'SALESFORCE', 1);
  }
});
