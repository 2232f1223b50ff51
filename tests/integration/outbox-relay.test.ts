import { randomUUID } from 'node:crypto';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import { LockKeys } from '../../src/platform/db/advisory-locks.js';
import { OutboxRelay } from '../../src/platform/outbox-relay.js';
import { catalogTopic } from '../../src/core/topics.js';
import { expectEventually, present } from '../support/eventually.js';
import { collectEvents, startTestApp, testLogger, type TestApp } from '../support/harness.js';

describe('outbox relay', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Role `api` runs no relay of its own: this suite drives two relays by hand.
    t = await startTestApp({}, 'api');
  });
  afterAll(async () => t?.stop());

  it('two relays racing publish every row exactly once, in commit order per entity', async () => {
    const service = new CatalogChanges(['STRIPE']);
    const em = t.app.orm.em.fork();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await service.create(em, customerCatalog, { name: `Race ${i}`, email: `race${i}@example.com` });
      for (let v = 0; v < 3; v++) await service.update(em, customerCatalog, c.id, { name: `Race ${i} v${v + 2}` });
      ids.push(c.id);
    }
    const consumer = await collectEvents([catalogTopic('CUSTOMER')]);
    try {
      const relays = [1, 2].map(
        () => new OutboxRelay(t.app.orm, t.app.kafka, testLogger, { batchSize: 7, pollIntervalMs: 20 }),
      );
      // Drain with both relays calling concurrently until nothing is left.
      for (;;) {
        const counts = await Promise.all(relays.map((r) => r.publishBatch()));
        if (counts.every((n) => n === 0)) {
          const [left] = await t.app.orm.em
            .fork()
            .execute<{ n: string }[]>('select count(*) as n from outbox_event where published_at is null');
          if (Number(left!.n) === 0) break;
        }
      }
      const mine = () => consumer.events.filter((e) => ids.includes(e.entityId));
      await expectEventually(() => mine().length >= 40);
      expect(new Set(mine().map((e) => e.id)).size).toBe(40);
      for (const id of ids) {
        const versions = mine()
          .filter((e) => e.entityId === id)
          .map((e) => (e.payload as { version: number }).version);
        expect(versions).toEqual([1, 2, 3, 4]);
      }
    } finally {
      await consumer.stop();
    }
  });

  it('a batch larger than the broker takes in one request goes out in several, in order', async () => {
    // 12 events of 150 KB for one entity: 1.8 MB for one partition, above the broker's 1 MiB message.max.bytes if
    // sent as one record batch.
    const entityId = randomUUID();
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const em = t.app.orm.em.fork();
    for (const [i, id] of ids.entries()) {
      const envelope = {
        id,
        type: 'customer.updated',
        entityType: 'CUSTOMER',
        entityId,
        origin: 'LOCAL',
        createdAt: new Date().toISOString(),
        payload: { version: i + 1, padding: 'x'.repeat(150_000) },
      };
      await em.execute(
        `insert into outbox_event (id, topic, key, type, payload, created_at) values (?, ?, ?, ?, ?, now())`,
        [id, catalogTopic('CUSTOMER'), entityId, envelope.type, JSON.stringify(envelope)],
      );
    }
    const consumer = await collectEvents([catalogTopic('CUSTOMER')]);
    try {
      const relay = new OutboxRelay(t.app.orm, t.app.kafka, testLogger, { batchSize: 100, pollIntervalMs: 20 });
      while ((await relay.publishBatch()) > 0);
      const mine = () => consumer.events.filter((e) => e.entityId === entityId);
      await expectEventually(() => mine().length >= ids.length);
      expect(mine().map((e) => e.id)).toEqual(ids);
    } finally {
      await consumer.stop();
    }
  });

  it('deletes published rows past their keep, and keeps recent and unpublished ones', async () => {
    const em = t.app.orm.em.fork();
    const key = randomUUID();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 60 * 60 * 1000);
    const rows = [
      { name: 'old, published', createdAt: hoursAgo(50), publishedAt: hoursAgo(49) },
      { name: 'old, never published', createdAt: hoursAgo(48), publishedAt: null },
      { name: 'old too, after it', createdAt: hoursAgo(47), publishedAt: hoursAgo(47) },
      { name: 'recent', createdAt: hoursAgo(2), publishedAt: hoursAgo(2) },
    ];
    for (const r of rows) {
      await em.execute(
        `insert into outbox_event (id, topic, key, type, payload, created_at, published_at) values (?, ?, ?, ?, ?, ?, ?)`,
        [randomUUID(), catalogTopic('CUSTOMER'), key, r.name, '{}', r.createdAt, r.publishedAt],
      );
    }
    const relay = new OutboxRelay(t.app.orm, t.app.kafka, testLogger, {
      batchSize: 100,
      pollIntervalMs: 20,
      keepPublishedHours: 24,
    });
    // Another relay pruning (holding the prune lock): this one leaves it to that one.
    let release!: () => void;
    let locked!: () => void;
    const lockHeld = new Promise<void>((r) => (locked = r));
    const other = t.app.orm.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(?)', [LockKeys.outboxPrune]);
      locked();
      await new Promise<void>((r) => (release = r));
    });
    await lockHeld;
    expect(await relay.prune()).toBe(0);
    release();
    await other;
    expect(await relay.prune()).toBeGreaterThanOrEqual(2);
    const left = await em.execute<{ type: string }[]>('select type from outbox_event where key = ? order by seq', [
      key,
    ]);
    expect(left.map((r) => r.type)).toEqual(['old, never published', 'recent']);
    // Nothing left past its keep: a second prune deletes nothing; keepPublishedHours 0 never deletes.
    expect(await relay.prune()).toBe(0);
    const keepAll = new OutboxRelay(t.app.orm, t.app.kafka, testLogger, { batchSize: 100, pollIntervalMs: 20 });
    expect(await keepAll.prune()).toBe(0);
    // Its unpublished row (never a real event) must not reach the next test's relay.
    await em.execute('delete from outbox_event where key = ?', [key]);
  });

  it('a relay in its own process publishes a commit made elsewhere at once (NOTIFY), not at its next poll', async () => {
    // A minute between polls: only the notification can wake it within the test's wait.
    const relay = await startTestApp(
      { DATABASE_URL: t.config.DATABASE_URL, OUTBOX_POLL_INTERVAL_MS: '60000' },
      'relay',
    );
    const consumer = await collectEvents([catalogTopic('CUSTOMER')]);
    const service = new CatalogChanges(['STRIPE']);
    const published = async (email: string) => {
      const c = await service.create(t.app.orm.em.fork(), customerCatalog, { name: 'Woken', email });
      await expectEventually(
        () =>
          present(
            consumer.events.find((e) => e.entityId === c.id),
            `${email} on Kafka`,
          ),
        {
          timeoutMs: 10_000,
        },
      );
    };
    try {
      // The first may also go out with the relay's first poll at start; the second is committed once that poll
      // is over (the first one's event is out), so nothing but the notification can publish it.
      await published('woken.1@example.com');
      await published('woken.2@example.com');
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });
});
