import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import type { StripeEmulator, StripeEvent } from '../../emulators/stripe/index.js';
import type { InboundOutcome } from '../../src/engine/inbound-worker.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually, present } from '../support/eventually.js';
import type { TestApp } from '../support/harness.js';
import { startAppWithStripe } from '../support/stripe.js';

// Stripe's webhook delivery as it really is (https://docs.stripe.com/webhooks): each event on its own schedule,
// in no guaranteed order (#event-ordering), retried with backoff for days while the endpoint fails (#retries).
// The emulator does the same with its clock sped up (tests/support/stripe.ts); these tests check the app copes.

describe('Stripe webhook delivery: retries, order and bursts', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let dashboard: Stripe;
  let appWebhook: string;
  const outcomes = new Map<string, InboundOutcome>();

  beforeAll(async () => {
    ({ t, emu, dashboard } = await startAppWithStripe());
    appWebhook = `${t.url}/webhooks/stripe`;
    t.app.inbound[0]!.onOutcome = (change, outcome) => outcomes.set(change.eventId, outcome);
  });
  afterEach(() => {
    emu.releaseWebhooks();
    emu.setWebhookUrl(appWebhook);
  });
  afterAll(async () => {
    await t?.stop();
    await emu?.close();
  });

  const api = () => customersApi(t);
  const byEmail = (email: string) => api().byEmail(email);
  const imported = (email: string) =>
    expectEventually(async () => present((await byEmail(email))[0], `the customer ${email}`));
  const eventOf = (type: string, objectId: string) =>
    present(
      emu.deliveredEvents().find((e) => e.type === type && e.data.object.id === objectId),
      `${type} of ${objectId}`,
    );

  it('applies events that were refused with 503 for a while, once the endpoint answers again', async () => {
    const gate = await startGate(appWebhook, () => true);
    try {
      emu.setWebhookUrl(gate.url);
      const remote = await dashboard.customers.create({ name: 'Outage One', email: 'outage@example.com' });
      await dashboard.customers.update(remote.id, { name: 'Outage Two' });

      // Both events are refused and retried (as when Kafka is down behind the endpoint); nothing is applied yet.
      await expectEventually(() => {
        const refused = gate.attempts.filter((a) => a.objectId === remote.id && a.status === 503);
        return new Set(refused.map((a) => a.eventId)).size === 2 && refused.length >= 4;
      });
      expect(await byEmail('outage@example.com')).toEqual([]);

      gate.refuse(() => false);
      const local = await imported('outage@example.com');
      await expectEventually(async () => expect((await api().get(local.id)).name).toBe('Outage Two'));
      // Both events got through in the end, each once. The first one applied already holds the newest name (it is
      // applied from a re-read), so the other may still be on its retry schedule when the name shows.
      const accepted = () => gate.attempts.filter((a) => a.objectId === remote.id && a.status === 200);
      await expectEventually(() => new Set(accepted().map((a) => a.type)).size === 2);
      expect(new Set(accepted().map((a) => a.type))).toEqual(new Set(['customer.created', 'customer.updated']));
      expect(await byEmail('outage@example.com')).toHaveLength(1);
    } finally {
      await gate.close();
    }
  });

  it('changes nothing when an older update of a customer arrives after a newer one', async () => {
    const remote = await dashboard.customers.create({ name: 'Late Zero', email: 'late@example.com' });
    const local = await imported('late@example.com');
    // Our id is written back to Stripe first, so the hold below catches the person's edit, not that write.
    await expectEventually(async () => expect((await api().status(local.id, 'STRIPE')).state).toBe('SYNCED'));

    emu.holdWebhooks({ hold: 'older', type: 'customer.updated', objectId: remote.id, count: 1 });
    await dashboard.customers.update(remote.id, { name: 'Late One' });
    await dashboard.customers.update(remote.id, { name: 'Late Two' });
    await expectEventually(async () => expect((await api().get(local.id)).name).toBe('Late Two'));
    const before = await api().get(local.id);
    const writes = () => emu.requestLog().filter((r) => r.method === 'POST' && r.path === `/v1/customers/${remote.id}`);
    const writesBefore = writes().length;

    const older = present(
      emu.pendingWebhooks().find((p) => p.hold === 'older'),
      'the held update',
    );
    expect(emu.releaseWebhooks('older')).toBe(1);
    await expectEventually(() => outcomes.has(older.eventId));

    expect(outcomes.get(older.eventId)).toBe('unchanged');
    expect(await api().get(local.id)).toMatchObject({ name: 'Late Two', version: before.version });
    expect(emu.customers().find((c) => c.id === remote.id)?.name).toBe('Late Two');
    expect(writes()).toHaveLength(writesBefore);
  });

  it('brings back nothing when a customer.deleted arrives before that customer’s created and updated', async () => {
    emu.holdWebhooks({ hold: 'before-delete', type: 'customer.created' });
    emu.holdWebhooks({ hold: 'before-delete', type: 'customer.updated' });
    const remote = await dashboard.customers.create({ name: 'Ghost', email: 'ghost@example.com' });
    await dashboard.customers.update(remote.id, { name: 'Ghost Two' });
    await dashboard.customers.del(remote.id);

    const deleted = await expectEventually(() => eventOf('customer.deleted', remote.id));
    await expectEventually(() => outcomes.has(deleted.id));
    const held = emu.pendingWebhooks().filter((p) => p.objectId === remote.id);
    expect(held.map((p) => p.type).sort()).toEqual(['customer.created', 'customer.updated']);

    expect(emu.releaseWebhooks('before-delete')).toBe(2);
    await expectEventually(() => held.every((p) => outcomes.has(p.eventId)));
    expect(await byEmail('ghost@example.com')).toEqual([]);
    // Nor was anything made again in Stripe.
    expect(emu.customers().filter((c) => c.email === 'ghost@example.com')).toEqual([]);
  });

  it('applies a burst of events for many customers while one event keeps failing', async () => {
    // Picked by email: the event may reach the gate before the create's reply reaches us.
    const gate = await startGate(
      appWebhook,
      (event) => 'email' in event.data.object && event.data.object.email === 'poison@example.com',
    );
    try {
      emu.setWebhookUrl(gate.url);
      const poison = await dashboard.customers.create({ name: 'Poison Pill', email: 'poison@example.com' });
      const emails = Array.from({ length: 20 }, (_, i) => `burst-${i}@example.com`);
      await Promise.all(emails.map((email, i) => dashboard.customers.create({ name: `Burst ${i}`, email })));

      await expectEventually(
        async () => {
          const burst = await t.gql<{ customers: { edges: Array<{ node: { email: string } }> } }>(
            `{ customers(search: "burst-", first: 100) { edges { node { email } } } }`,
          );
          expect(burst.data!.customers.edges.map((e) => e.node.email).sort()).toEqual([...emails].sort());
        },
        { intervalMs: 200 },
      );
      // All that while, the poison event was refused again and again, and nothing of it applied.
      const poisonId = poison.id;
      expect(gate.attempts.filter((a) => a.objectId === poisonId).every((a) => a.status === 503)).toBe(true);
      await expectEventually(() => gate.attempts.filter((a) => a.objectId === poisonId).length >= 3);
      expect(await byEmail('poison@example.com')).toEqual([]);

      // Once the endpoint takes it, it lands too.
      gate.refuse(() => false);
      await imported('poison@example.com');
    } finally {
      await gate.close();
    }
  });
});

interface GateAttempt {
  eventId: string;
  type: string;
  objectId: string;
  status: number;
}

/**
 * Stands between the emulator and the app's webhook endpoint: answers 503 (what the app answers when it cannot
 * queue an event) to the attempts `refuse` picks, and forwards the others, signature and all, answering what the
 * app answered.
 */
async function startGate(
  target: string,
  refuse: (event: StripeEvent) => boolean,
): Promise<{
  url: string;
  attempts: GateAttempt[];
  refuse(rule: (event: StripeEvent) => boolean): void;
  close(): Promise<void>;
}> {
  const attempts: GateAttempt[] = [];
  let rule = refuse;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as StripeEvent;
        let status = 503;
        if (!rule(event)) {
          const forwarded = await fetch(target, {
            method: 'POST',
            headers: {
              'content-type': req.headers['content-type'] ?? 'application/json',
              'stripe-signature': String(req.headers['stripe-signature']),
            },
            body,
          });
          status = forwarded.status;
        }
        attempts.push({ eventId: event.id, type: event.type, objectId: event.data.object.id, status });
        res.writeHead(status).end();
      })().catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    attempts,
    refuse: (next) => {
      rule = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
