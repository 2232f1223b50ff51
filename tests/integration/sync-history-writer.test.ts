import { SyncEvent } from '../../src/engine/entities/index.js';
import type { SyncOutcome } from '../../src/engine/outcomes.js';
import { SyncHistory } from '../../src/engine/sync-history.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';
import { entities } from '../../src/registry.js';
import { expectEventually } from '../support/eventually.js';
import { createTestDatabase, testLogger } from '../support/harness.js';

const outcome = (n: number, extra: Partial<SyncOutcome> = {}): SyncOutcome => ({
  correlationId: `evt_${n}`,
  direction: 'outbound',
  entityType: 'CUSTOMER',
  entityId: '00000000-0000-4000-8000-000000000001',
  outcome: 'synced',
  attempt: 1,
  startedAt: Date.now(),
  ...extra,
});

/** SyncHistory on a real PostgreSQL: batched, off the sync path, bounded while the database is away, pruned. */
describe('SyncHistory', () => {
  let orm: Orm;
  let url: string;

  beforeAll(async () => {
    url = await createTestDatabase();
    orm = await createOrm(url, entities);
    await migrate(orm);
  });
  afterAll(() => orm?.close(true));
  beforeEach(() => orm.em.fork().nativeDelete(SyncEvent, {}));

  const count = () => orm.em.fork().count(SyncEvent, {});

  it('writes rows in batches once they linger, with the error text bounded', async () => {
    const history = new SyncHistory(orm, testLogger, { lingerMs: 20, maxBatch: 50, retentionDays: 0 });
    for (let i = 0; i < 120; i++) history.add('STRIPE', outcome(i), new Date(), 5);
    history.add('STRIPE', outcome(999, { outcome: 'failed', error: new Error('x'.repeat(5000)) }), new Date(), 5);
    await expectEventually(async () => (await count()) === 121);
    const failed = await orm.em.fork().findOneOrFail(SyncEvent, { eventId: 'evt_999' });
    expect(failed.error?.length).toBeLessThanOrEqual(2001);
    expect(failed).toMatchObject({ outcome: 'failed', provider: 'STRIPE', direction: 'outbound', durationMs: 5 });
    await history.close();
  });

  it('keeps at most maxPending rows while the database cannot take them, and writes them once it can', async () => {
    // A pool pointed at a database that does not exist: every insert fails, as during an outage.
    const away = await createOrm(url.replace(/\/t_[a-z0-9]+$/, '/t_missing_db'), entities);
    const history = new SyncHistory(away, testLogger, { lingerMs: 10, maxBatch: 10, maxPending: 25, retentionDays: 0 });
    for (let i = 0; i < 40; i++) history.add('STRIPE', outcome(i), new Date(), 1);
    // 10 rows in flight and 25 waiting when the last was added; the 10 come back to a full backlog and go.
    await expectEventually(() => history.dropped === 15 && history.backlog === 25);
    await history.close();
    await away.close(true);

    const back = new SyncHistory(orm, testLogger, { lingerMs: 10, retentionDays: 0 });
    for (let i = 0; i < 3; i++) back.add('SALESFORCE', outcome(i), new Date(), 1);
    await back.close();
    expect(await count()).toBe(3);
  });

  it('deletes rows past the retention', async () => {
    const history = new SyncHistory(orm, testLogger, { lingerMs: 10, retentionDays: 30 });
    const now = new Date();
    history.add('STRIPE', outcome(1), new Date(now.getTime() - 31 * 24 * 3600_000), 1);
    history.add('STRIPE', outcome(2), new Date(now.getTime() - 29 * 24 * 3600_000), 1);
    await history.flush();
    expect(await history.prune(now)).toBe(1);
    expect((await orm.em.fork().find(SyncEvent, {})).map((e) => e.eventId)).toEqual(['evt_2']);
    await history.close();
  });

  it('deletes a backlog past the retention larger than one statement deletes, in one prune', async () => {
    // 25,000 old rows: two and a half statements' worth (10,000 each). It used to take three hourly prunes.
    const em = orm.em.fork();
    await em.execute(
      `insert into sync_event (id, at, provider, direction, entity_type, outcome, event_id, duration_ms)
       select gen_random_uuid(), now() - interval '40 days', 'STRIPE', 'OUTBOUND', 'CUSTOMER', 'SYNCED',
              'old_' || g, 1
         from generate_series(1, 25000) g`,
    );
    const history = new SyncHistory(orm, testLogger, { lingerMs: 10, retentionDays: 30 });
    expect(await history.prune()).toBe(25_000);
    const [left] = await em.execute<{ n: string }[]>(
      `select count(*) as n from sync_event where event_id like 'old_%'`,
    );
    expect(Number(left!.n)).toBe(0);
    await history.close();
  });
});
