import { KafkaBroker } from '../../scripts/lib/services.mjs';
import { catalogTopic } from '../../src/core/topics.js';
import { expectEventually } from '../support/eventually.js';
import { collectEvents, startTestApp, type TestApp } from '../support/harness.js';

// This suite owns its broker so it can stop and restart it without disturbing the other suites.
describe('Kafka outage during mutations', () => {
  let broker: KafkaBroker;
  let t: TestApp;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    t = await startTestApp({ KAFKA_BROKERS: broker.brokers });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await broker?.destroy();
  });

  it('keeps accepting mutations, reports not ready, and publishes everything once the broker is back', async () => {
    await broker.stop();

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.gql<{ createCustomer: { id: string } }>(
        `mutation($n: String!) { createCustomer(input: {name: $n, email: "outage@example.com"}) { id } }`,
        { n: `During outage ${i}` },
      );
      expect(res.errors).toBeUndefined();
      ids.push(res.data!.createCustomer.id);
    }
    const update = await t.gql(
      `mutation($id: ID!) { updateCustomer(id: $id, input: {name: "Renamed in outage"}) { version } }`,
      {
        id: ids[0],
      },
    );
    expect(update.errors).toBeUndefined();

    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', kafka: 'unavailable' } });
    const [queued] = await t.app.orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from outbox_event where published_at is null and topic = ?`, [
        catalogTopic('CUSTOMER'),
      ]);
    expect(Number(queued!.n)).toBe(6);

    await broker.start();
    const consumer = await collectEvents([catalogTopic('CUSTOMER')], broker.brokers);
    try {
      await expectEventually(() => consumer.events.length >= 6, { timeoutMs: 60_000 });
      // Nothing lost, and each customer's events arrive in commit order.
      expect(new Set(consumer.events.map((e) => e.entityId))).toEqual(new Set(ids));
      const first = consumer.events.filter((e) => e.entityId === ids[0]).map((e) => e.type);
      expect(first).toEqual(['customer.created', 'customer.updated']);
      await expectEventually(async () => (await fetch(`${t.url}/readyz`)).status === 200, { timeoutMs: 30_000 });
    } finally {
      await consumer.stop();
    }
  }, 150_000);
});
