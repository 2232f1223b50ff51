import type Stripe from 'stripe';
import { signatureHeader, type StripeEmulator } from '../../emulators/stripe/index.js';
import { randomUUID } from 'node:crypto';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import { ImportJob, ImportJobStatus } from '../../src/engine/entities/index.js';
import type { InboundOutcome } from '../../src/engine/inbound-worker.js';
import { expectEventually, present } from '../support/eventually.js';
import { customersApi, type StatusData } from '../support/customers-api.js';
import { newEnvelope } from '../../src/core/envelope.js';
import { catalogTopic } from '../../src/core/topics.js';
import { createKafkaTransport } from '../../src/platform/kafka.js';
import { testLogger, type TestApp } from '../support/harness.js';
import { startAppWithStripe, STRIPE_WEBHOOK_SECRET } from '../support/stripe.js';

describe('two-way customer sync with Stripe', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let dashboard: Stripe;
  const outcomes: Array<{ eventId: string; externalId: string; outcome: InboundOutcome }> = [];

  beforeAll(async () => {
    ({ t, emu, dashboard } = await startAppWithStripe({ SYNC_MAX_ATTEMPTS: '3', STRIPE_TIMEOUT_MS: '1000' }));
    t.app.inbound[0]!.onOutcome = (change, outcome) =>
      outcomes.push({ eventId: change.eventId, externalId: change.externalId, outcome });
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
  });

  const api = () => customersApi(t);
  const get = (id: string) => api().get(id);
  const create = (name: string, email: string) => api().create(name, email);
  const localByEmail = (email: string) => api().byEmail(email);
  const stripeStatus = (id: string) => api().status(id, 'STRIPE');
  const synced = (id: string, version: number) => api().synced(id, 'STRIPE', version);

  it('local create, update and delete reach Stripe, with our id in metadata and no echo loop', async () => {
    const c = await create('Local Create', 'local.create@example.com');
    const s1 = await synced(c.id, 1);
    const remote = present(
      emu.customers().find((x) => x.id === s1.externalId),
      'stripe customer',
    );
    expect(remote).toMatchObject({
      name: 'Local Create',
      email: 'local.create@example.com',
      metadata: { internal_id: c.id },
    });
    // One call: our id travels in the create itself, keyed by our event (recognizable in webhooks as ours).
    const creates = emu.requestLog().filter((r) => r.method === 'POST' && r.path.startsWith('/v1/customers'));
    expect(creates).toEqual([expect.objectContaining({ path: '/v1/customers' })]);
    expect(creates[0]!.idempotencyKey).toMatch(/^catalog-sync:[0-9a-f-]{36}:create$/);
    // Before it, one look for an unlinked customer with the same email (README, "Same natural key on two records").
    expect(emu.requestLog().filter((r) => r.method === 'GET' && r.path === '/v1/customers')).toHaveLength(1);

    // Stripe's webhook for our own write comes back and is recognized as an echo.
    await expectEventually(() => outcomes.some((o) => o.externalId === s1.externalId && o.outcome === 'echo'));
    expect((await get(c.id)).version).toBe(1);

    await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Local Update"}) { version } }`, {
      id: c.id,
    });
    await synced(c.id, 2);
    expect(emu.customers().find((x) => x.id === s1.externalId)?.name).toBe('Local Update');

    await t.gql(`mutation($id: ID!) { deleteCustomer(id: $id) { version } }`, { id: c.id });
    await synced(c.id, 3);
    expect(emu.customers().find((x) => x.id === s1.externalId)).toBeUndefined();
    expect((await get(c.id)).version).toBe(3);
  });

  it('a stale event (its record is not in this catalog) costs no Stripe call', async () => {
    const c = await create('Stale Barrier', 'stale.barrier@example.com');
    await synced(c.id, 1);
    const lookups = () => emu.requestLog().filter((r) => r.method === 'GET' && r.path === '/v1/customers').length;
    const before = lookups();
    // On the barrier's partition (its key), so the barrier's next change is handled after it.
    const kafka = createKafkaTransport({ brokers: t.config.KAFKA_BROKERS, clientId: 'test-stale', logger: testLogger });
    try {
      const id = randomUUID();
      const envelope = newEnvelope({
        type: 'customer.updated',
        entityType: 'CUSTOMER',
        entityId: id,
        origin: 'LOCAL' as const,
        payload: { id, name: 'Nobody', email: 'nobody.here@example.com', version: 1, deleted: false },
      });
      await kafka.publish([{ topic: catalogTopic('CUSTOMER'), key: c.id, value: JSON.stringify(envelope) }]);
    } finally {
      await kafka.close();
    }
    await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Stale Barrier 2"}) { version } }`, {
      id: c.id,
    });
    await synced(c.id, 2);
    expect(lookups()).toBe(before);
  });
  it('create, update and delete in Stripe reach the local catalog', async () => {
    const remote = await dashboard.customers.create({ name: 'Dash Board', email: 'dash.board@example.com' });
    const local = await expectEventually(async () =>
      present((await localByEmail('dash.board@example.com'))[0], 'imported customer'),
    );
    expect(local).toMatchObject({ name: 'Dash Board', version: 1 });
    // Linked, and SYNCED at once: Stripe holds exactly this. Our id is not written back by a write of its own (a
    // Stripe call per record made there); it goes with the record's next write from us.
    await expectEventually(async () =>
      expect((await get(local.id)).syncStatus).toEqual([
        expect.objectContaining({ provider: 'STRIPE', state: 'SYNCED', externalId: remote.id }),
      ]),
    );
    expect(emu.customers().find((x) => x.id === remote.id)?.metadata.internal_id).toBeUndefined();
    expect(emu.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${remote.id}`)).toEqual([]);
    expect((await get(local.id)).version).toBe(1);

    await dashboard.customers.update(remote.id, { name: 'Dash Renamed' });
    await expectEventually(async () => expect(await get(local.id)).toMatchObject({ name: 'Dash Renamed', version: 2 }));

    await dashboard.customers.del(remote.id);
    await expectEventually(async () => expect((await get(local.id)).deletedAt).not.toBeNull());
    expect((await get(local.id)).version).toBe(3);
  });

  it('stores our id on a customer made in Stripe with our next write to it, even when Stripe refuses that write at first', async () => {
    const remote = await dashboard.customers.create({ name: 'Stamp Late', email: 'stamp.late@example.com' });
    const local = await expectEventually(async () =>
      present((await localByEmail('stamp.late@example.com'))[0], 'imported customer'),
    );
    await expectEventually(async () => expect((await stripeStatus(local.id))?.state).toBe('SYNCED'));
    // The next local change goes to Stripe with our id; the first two tries are refused with a 500.
    emu.injectFaults({ count: 2, method: 'POST', path: '/v1/customers/cus_', status: 500 });
    const res = await t.gql(
      `mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Stamp Later"}) { version } }`,
      {
        id: local.id,
      },
    );
    expect(res.errors).toBeUndefined();
    await expectEventually(() =>
      expect(emu.customers().find((x) => x.id === remote.id)).toMatchObject({
        name: 'Stamp Later',
        metadata: { internal_id: local.id },
      }),
    );
    await expectEventually(async () =>
      expect(await stripeStatus(local.id)).toMatchObject({ state: 'SYNCED', targetVersion: 2 }),
    );
    // Refused twice, then stored by the retry: one write in all, carrying both the change and our id.
    const updates = emu.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${remote.id}`);
    expect(updates.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  async function postEvent(event: Record<string, unknown>, signature?: string) {
    const body = JSON.stringify(event);
    return fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== '' ? { 'stripe-signature': signature ?? signatureHeader(body, STRIPE_WEBHOOK_SECRET) } : {}),
      },
      body,
    });
  }

  it('processes a redelivered event once, and never lets a late event roll data back', async () => {
    const remote = await dashboard.customers.create({ name: 'Order One', email: 'order@example.com' });
    const local = await expectEventually(async () =>
      present((await localByEmail('order@example.com'))[0], 'imported customer'),
    );
    await dashboard.customers.update(remote.id, { name: 'Order Two' });
    await expectEventually(async () => expect((await get(local.id)).name).toBe('Order Two'));
    const delivered = present(
      emu.deliveredEvents().find((e) => e.type === 'customer.updated' && e.data.object.id === remote.id),
      'update event',
    );

    // Duplicate: Stripe delivers the same event again.
    const res = await postEvent(delivered as unknown as Record<string, unknown>);
    expect(res.status).toBe(200);
    await expectEventually(() => outcomes.filter((o) => o.eventId === delivered.id).length === 2);
    expect(outcomes.filter((o) => o.eventId === delivered.id).map((o) => o.outcome)).toContain('duplicate');

    // Out of order, same second: an older snapshot arrives after the newer one under a new event id.
    const stale = {
      ...delivered,
      id: `evt_stale_${Date.now()}`,
      data: { object: { ...delivered.data.object, name: 'Order One' } },
      request: { id: null, idempotency_key: null },
    };
    expect((await postEvent(stale)).status).toBe(200);
    await expectEventually(() => outcomes.some((o) => o.eventId === stale.id));
    expect(outcomes.find((o) => o.eventId === stale.id)?.outcome).toBe('unchanged');
    expect(await get(local.id)).toMatchObject({ name: 'Order Two', version: 2 });
  });

  it('rejects missing, forged and expired signatures with 400 and a reason', async () => {
    const event = {
      id: 'evt_forged',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_forged', object: 'customer' } },
    };
    const missing = await postEvent(event, '');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_signature', reason: 'missing Stripe-Signature header' });

    const forged = await postEvent(event, signatureHeader(JSON.stringify(event), 'whsec_wrong'));
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { reason: string }).reason).toMatch(/signature/i);

    const old = Math.floor(Date.now() / 1000) - 3600;
    const expired = await postEvent(event, signatureHeader(JSON.stringify(event), STRIPE_WEBHOOK_SECRET, old));
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { reason: string }).reason).toMatch(/tolerance/i);
    expect(outcomes.some((o) => o.eventId === 'evt_forged')).toBe(false);
  });

  it('accepts a signed event sent without Content-Type, and one without data.object (acknowledged, nothing to do)', async () => {
    const body = JSON.stringify({
      id: 'evt_no_type',
      object: 'event',
      type: 'customer.updated',
      data: { object: { id: 'cus_no_type', object: 'customer' } },
    });
    const noType = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'stripe-signature': signatureHeader(body, STRIPE_WEBHOOK_SECRET) },
      body: new Blob([body]), // a Blob with no type: fetch sends no Content-Type header
    });
    expect(noType.status).toBe(200);
    // Queued and looked at (the customer does not exist in Stripe: nothing to apply).
    await expectEventually(() => outcomes.some((o) => o.eventId === 'evt_no_type' && o.outcome === 'unchanged'));
    const empty = await postEvent({ id: 'evt_no_object', object: 'event', type: 'customer.updated', data: {} });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ received: true });
  });

  it('rides out a 429 storm with backoff, then dead-letters after the last attempt and retrySync recovers', async () => {
    emu.injectFaults({ status: 429, count: 2, path: '/v1/customers' });
    const c = await create('Storm', 'storm@example.com');
    const s = await synced(c.id, 1);
    expect(s.attempts).toBe(3);
    expect(emu.customers().filter((x) => x.email === 'storm@example.com')).toHaveLength(1);

    emu.injectFaults({ status: 500, count: 3, path: '/v1/customers' });
    const d = await create('Down', 'down@example.com');
    const failed = await expectEventually(async () => {
      const st = await stripeStatus(d.id);
      expect(st.state).toBe('FAILED');
      expect(st.lastError).toMatch(/gave up/);
      return st;
    });
    expect(failed.attempts).toBe(3);
    const failures = await t.gql<{ syncFailures: Array<{ entityId: string; lastError: string }> }>(
      `{ syncFailures(provider: STRIPE) { entityId lastError } }`,
    );
    expect(failures.data!.syncFailures).toEqual([expect.objectContaining({ entityId: d.id })]);

    const retried = await t.gql<{ retrySync: StatusData }>(
      `mutation($id: ID!) { retrySync(entityType: CUSTOMER, entityId: $id, provider: STRIPE) { state attempts lastError } }`,
      { id: d.id },
    );
    expect(retried.data!.retrySync).toEqual({ state: 'PENDING', attempts: 0, lastError: null });
    await synced(d.id, 1);
    expect(emu.customers().filter((x) => x.email === 'down@example.com')).toHaveLength(1);
  });

  it('sends only the fields changed locally, so a Stripe edit to another field is not overwritten', async () => {
    const c = await create('Partial', 'partial@example.com');
    const { externalId } = await synced(c.id, 1);
    emu.setWebhookUrl(undefined); // the Stripe edit has not reached us yet
    try {
      await dashboard.customers.update(externalId!, { email: 'edited.in.stripe@example.com' });
      await t.gql(`mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Partial Renamed"}) { version } }`, {
        id: c.id,
      });
      await synced(c.id, 2);
      expect(emu.customers().find((x) => x.id === externalId)).toMatchObject({
        name: 'Partial Renamed',
        email: 'edited.in.stripe@example.com',
      });
    } finally {
      emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    }
  });

  it('never makes a second Stripe customer when a create succeeded but its reply was lost', async () => {
    // The emulator runs the create but answers after the client has given up (STRIPE_TIMEOUT_MS=1000).
    emu.injectFaults({ latencyMs: 1500, count: 1, path: '/v1/customers' });
    const c = await create('Lost Reply', 'lost.reply@example.com');
    const s = await synced(c.id, 1);
    expect(s.attempts).toBeGreaterThanOrEqual(2);
    expect(emu.customers().filter((x) => x.metadata.internal_id === c.id)).toHaveLength(1);
    expect(emu.customers().find((x) => x.id === s.externalId)).toMatchObject({
      name: 'Lost Reply',
      email: 'lost.reply@example.com',
    });
  });

  it('repeats a failed create with the same key and data: one customer, one call per attempt', async () => {
    const before = emu.requestLog().length;
    emu.injectFaults({ status: 500, count: 1, method: 'POST', path: '/v1/customers$' });
    const c = await create('Half Done', 'half.done@example.com');
    const s = await synced(c.id, 1);
    expect(s.attempts).toBe(2);
    const creates = emu
      .requestLog()
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/customers'));
    expect(creates.map((r) => [r.path, r.status])).toEqual([
      ['/v1/customers', 500],
      ['/v1/customers', 200],
    ]);
    expect(new Set(creates.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(emu.customers().filter((x) => x.metadata.internal_id === c.id)).toEqual([
      expect.objectContaining({ id: s.externalId, name: 'Half Done', email: 'half.done@example.com' }),
    ]);
  });

  it('imports existing Stripe customers: links by email, creates the rest, skips what it cannot hold', async () => {
    const existing = await create('Already Here', 'already.here@example.com');
    await synced(existing.id, 1);
    // A local customer that never reached Stripe (created while Stripe sync was off) and its twin made in Stripe.
    const offline = await new CatalogChanges([]).create(t.app.orm.em.fork(), customerCatalog, {
      name: 'Link Me',
      email: 'link.me@example.com',
    });
    emu.setWebhookUrl(undefined);
    try {
      const twin = await dashboard.customers.create({ name: 'Link Me In Stripe', email: 'LINK.ME@example.com' });
      const a = await dashboard.customers.create({ name: 'Import A', email: 'import.a@example.com' });
      await dashboard.customers.create({ name: 'No Email' });
      const b = await dashboard.customers.create({ email: 'import.b@example.com' });
      const started = await t.gql<{ importFromProvider: { id: string; status: string } }>(
        `mutation { importFromProvider(provider: STRIPE, entityType: CUSTOMER) { id status } }`,
      );
      expect(started.errors).toBeUndefined();
      const job = await expectEventually(async () => {
        const r = await t.gql<{ importJob: Record<string, unknown> }>(
          `query($id: ID!) { importJob(id: $id) { status processed created linked updated unchanged skipped error } }`,
          { id: started.data!.importFromProvider.id },
        );
        expect(r.data!.importJob).toMatchObject({ status: 'COMPLETED' }); // the diff shows `error` when it failed
        return r.data!.importJob;
      });
      // `updated`: the Stripe email edit made while webhooks were off (test above) is caught up by the import.
      expect(job).toMatchObject({ created: 2, linked: 1, skipped: 1, updated: 1, error: null });
      expect((await localByEmail('edited.in.stripe@example.com'))[0]).toMatchObject({ name: 'Partial Renamed' });
      // Everything else was already linked and identical: left alone.
      expect(job.unchanged).toBe((job.processed as number) - 5);
      // Linking keeps the catalog's data and sends it to Stripe, our id with it (a write of its own, after the link).
      expect(await localByEmail('link.me@example.com')).toEqual([
        expect.objectContaining({ name: 'Link Me', version: 1 }),
      ]);
      await expectEventually(() =>
        expect(emu.customers().find((x) => x.id === twin.id)).toMatchObject({
          name: 'Link Me',
          metadata: expect.objectContaining({ internal_id: offline.id }),
        }),
      );
      expect(job.processed).toBe(emu.customers().length);
      expect((await localByEmail('import.a@example.com'))[0]).toMatchObject({ name: 'Import A' });
      // A Stripe customer without a name gets its email as name.
      expect((await localByEmail('import.b@example.com'))[0]).toMatchObject({ name: 'import.b@example.com' });
      // Imported as they are: no Stripe write per imported record (our id goes with each one's next write).
      expect(emu.customers().find((x) => x.id === a.id)?.metadata.internal_id).toBeUndefined();
      expect(emu.customers().find((x) => x.id === b.id)?.metadata.internal_id).toBeUndefined();
      const writesTo = (id: string) =>
        emu.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${id}`);
      expect([...writesTo(a.id), ...writesTo(b.id)]).toEqual([]);
    } finally {
      emu.setWebhookUrl(`${t.url}/webhooks/stripe`);
    }
  });

  it('runs one import per provider at a time, and replaces one whose process died', async () => {
    const em = t.app.orm.em.fork();
    const runningJob = async () => {
      const job = em.create(ImportJob, {
        id: randomUUID(),
        provider: 'STRIPE',
        entityType: 'CUSTOMER',
        status: ImportJobStatus.RUNNING,
      });
      await em.flush();
      return job;
    };
    const stale = await runningJob();
    await em.execute(`update import_job set updated_at = now() - interval '1 hour' where id = ?`, [stale.id]);
    const start = () =>
      t.gql<{ importFromProvider: { id: string } }>(
        `mutation { importFromProvider(provider: STRIPE, entityType: CUSTOMER) { id } }`,
      );

    const fresh = (await start()).data!.importFromProvider.id;
    expect(fresh).not.toBe(stale.id);
    const old = await t.gql<{ importJob: unknown }>(`query($id: ID!) { importJob(id: $id) { status error } }`, {
      id: stale.id,
    });
    expect(old.data!.importJob).toEqual({
      status: 'FAILED',
      error: 'abandoned: its process stopped reporting progress',
    });
    await t.app.imports!.idle();

    // A job that is alive (recent progress) is returned instead of starting a second one.
    const live = await runningJob();
    expect((await start()).data!.importFromProvider.id).toBe(live.id);
  });
});
