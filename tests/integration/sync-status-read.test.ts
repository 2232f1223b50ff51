import { randomUUID } from 'node:crypto';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import { ExternalMapping, SyncState } from '../../src/engine/entities/index.js';
import { listStatuses } from '../../src/engine/sync-states.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';
import { entities } from '../../src/registry.js';
import { createTestDatabase } from '../support/harness.js';

/**
 * A record's sync status is its sync state plus its provider id (the mapping). A write commits both at once; a
 * read must see both from one side of that commit, never SYNCED next to a provider id that is not there yet.
 */
describe('reading sync statuses while a write commits', () => {
  let orm: Orm;
  const def = customerCatalog;

  beforeAll(async () => {
    orm = await createOrm(await createTestDatabase(), entities);
    await migrate(orm);
  });
  afterAll(async () => orm?.close(true));

  it('never shows SYNCED without the provider id, even when the commit lands between two reads', async () => {
    const c = await new CatalogChanges(['STRIPE']).create(orm.em.fork(), def, {
      name: 'Read Me',
      email: 'read.me@example.com',
    });
    const setup = orm.em.fork();
    const state = await setup.findOneOrFail(SyncState, { entityId: c.id, provider: 'STRIPE' });
    state.state = 'SYNCING' as SyncState['state'];
    setup.create(ExternalMapping, {
      id: randomUUID(),
      entityType: def.entityType,
      entityId: c.id,
      provider: 'STRIPE',
      externalId: null,
      createKey: 'k',
      createRecord: {},
    });
    await setup.flush();

    // The write's commit (its create returned: provider id known, SYNCED), made to land exactly after the read of
    // mappings and before any read of sync states alone: the interleaving two separate reads allow.
    let committed: Promise<void> | undefined;
    const commit = () =>
      (committed ??= orm.em.fork().transactional(async (tx) => {
        const m = await tx.findOneOrFail(ExternalMapping, { entityId: c.id, provider: 'STRIPE' });
        m.externalId = 'cus_ReadRace';
        m.createKey = null;
        m.createRecord = null;
        const s = await tx.findOneOrFail(SyncState, { entityId: c.id, provider: 'STRIPE' });
        s.state = 'SYNCED' as SyncState['state'];
      }));
    const reader = orm.em.fork();
    const connection = reader.getConnection(); // (shared by every fork: the gate lets transactions through)
    const execute = connection.execute.bind(connection);
    const gated = (async (...args: Parameters<typeof execute>) => {
      if (args[3]) return execute(...args); // the write's own statements (in its transaction)
      const sql = String(args[0]);
      const mappings = /from "?external_mapping"?/i.test(sql);
      const states = /from "?sync_state"?/i.test(sql);
      if (states && !mappings) await commit(); // (sync states alone: only once the write has committed)
      const result = await execute(...args);
      if (mappings && !states) await commit();
      return result;
    }) as typeof execute;
    connection.execute = gated;
    let views;
    try {
      views = (await listStatuses(reader, def.entityType, [c.id])).get(c.id);
    } finally {
      connection.execute = execute;
    }
    await commit(); // (a single read saw neither gate: the write lands after it)
    const seen = views?.map((v) => [v.state, v.externalId]);
    expect(seen).toHaveLength(1);
    // Before the commit, or after it: nothing in between.
    expect([
      ['SYNCING', null],
      ['SYNCED', 'cus_ReadRace'],
    ]).toContainEqual(seen![0]);
  });
});
