import { randomUUID } from 'node:crypto';
import { customerCatalog } from '../../src/catalogs/customer/definition.js';
import { Customer } from '../../src/catalogs/customer/entity.js';
import { contentHash } from '../../src/core/sync-rules.js';
import { applyRemoteRecord } from '../../src/engine/apply-remote.js';
import { CatalogChanges } from '../../src/engine/changes.js';
import { ExternalMapping, SyncState } from '../../src/engine/entities/index.js';
import { createOrm, migrate, type Orm } from '../../src/platform/db/orm.js';
import { entities } from '../../src/registry.js';
import { createTestDatabase } from '../support/harness.js';

// Applying provider changes on real Postgres: only the fields the provider changed are taken.
describe('applying a provider change to a record with local changes in flight', () => {
  let orm: Orm;
  const service = new CatalogChanges(['STRIPE', 'SALESFORCE']);
  const def = customerCatalog;

  beforeAll(async () => {
    orm = await createOrm(await createTestDatabase(), entities);
    await migrate(orm);
  });
  afterAll(async () => orm?.close(true));

  async function linked(name: string, email: string) {
    const em = orm.em.fork();
    const c = await service.create(em, def, { name, email });
    const externalId = `cus_${randomUUID().slice(0, 8)}`;
    em.create(ExternalMapping, {
      id: randomUUID(),
      entityType: 'CUSTOMER',
      entityId: c.id,
      provider: 'STRIPE',
      externalId,
      lastSyncedVersion: 1,
      lastSyncedHash: contentHash(def, { name, email }),
      lastSyncedData: { name, email },
    });
    await em.flush();
    return { id: c.id, externalId };
  }

  /** Stripe's current record, carrying our id as every linked record we wrote does (unlinked ones carry none). */
  const apply = async (externalId: string, name: string, email: string) => {
    const internalId = (await orm.em.fork().findOne(ExternalMapping, { externalId }))?.entityId ?? null;
    return orm.em.fork().transactional((tx) =>
      applyRemoteRecord(tx, service, def, 'STRIPE', externalId, {
        externalId,
        internalId,
        deleted: false,
        values: { name, email },
      }),
    );
  };
  const state = async (id: string, provider: string) =>
    orm.em.fork().findOneOrFail(SyncState, { entityId: id, provider });

  it('keeps a local rename not yet in Stripe when Stripe changes the email, and sends the merge back to Stripe', async () => {
    const { id, externalId } = await linked('Old Name', 'old@example.com');
    await service.update(orm.em.fork(), def, id, { name: 'New Local Name' }); // v2, on its way to Stripe

    const result = await apply(externalId, 'Old Name', 'new@example.com'); // Stripe's edit, made on v1
    expect(result.outcome).toBe('updated');
    const c = await orm.em.fork().findOneOrFail(Customer, { id });
    expect(c).toMatchObject({ name: 'New Local Name', email: 'new@example.com', version: 3 });
    // Stripe does not hold the merged record yet: it must get v3; Salesforce too.
    expect(await state(id, 'STRIPE')).toMatchObject({ state: 'PENDING', targetVersion: 3 });
    expect(await state(id, 'SALESFORCE')).toMatchObject({ state: 'PENDING', targetVersion: 3 });
  });

  it('marks Stripe SYNCED when its change is the whole story', async () => {
    const { id, externalId } = await linked('Same', 'same@example.com');
    const result = await apply(externalId, 'Same Renamed', 'same@example.com');
    expect(result.outcome).toBe('updated');
    expect(await state(id, 'STRIPE')).toMatchObject({ state: 'SYNCED', targetVersion: 2 });
    expect(await state(id, 'SALESFORCE')).toMatchObject({ state: 'PENDING', targetVersion: 2 });
    const mapping = await orm.em.fork().findOneOrFail(ExternalMapping, { externalId });
    expect(mapping).toMatchObject({
      lastSyncedVersion: 2,
      lastSyncedData: { name: 'Same Renamed', email: 'same@example.com' },
    });
  });

  it('treats what we last synced as an echo, and skips records the catalog cannot hold', async () => {
    const { externalId } = await linked('Echo', 'echo@example.com');
    expect((await apply(externalId, 'Echo', 'echo@example.com')).outcome).toBe('unchanged');
    expect((await apply(externalId, 'Echo', 'not-an-email')).outcome).toBe('skipped');
  });

  it('two paths applying the same new provider record at once create one customer', async () => {
    const externalId = `cus_${randomUUID().slice(0, 8)}`;
    const outcomes = await Promise.all([1, 2].map(() => apply(externalId, 'Raced', 'raced@example.com')));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'unchanged']);
    expect(await orm.em.fork().count(Customer, { email: 'raced@example.com' })).toBe(1);
  });
});
