import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { LockKeys, lockXact } from './advisory-locks.js';
import { ormOptions, type EntityList } from './orm-options.js';

export type Orm = MikroORM;

export async function createOrm(databaseUrl: string, entities: EntityList, poolMax?: number): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, entities, poolMax));
}

/**
 * Applies pending migrations. Several processes (api, relay, worker) start at once in a deployment, so they
 * serialize on a transaction-scoped advisory lock: the first migrates, the others then find nothing to do.
 */
export async function migrate(orm: Orm): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    await lockXact(tx, LockKeys.migrations);
    await orm.migrator.up();
  });
}

/**
 * Runs `fn` in the caller's transaction when there is one, else in a new one; flushes either way. No savepoint for
 * the nested case (that would be two statements per change): what the engine refuses (validation, lifecycle,
 * versions) is refused before anything is written, and a failed statement aborts the caller's transaction anyway.
 */
export async function inTransaction<T>(em: EntityManager, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (!em.isInTransaction()) return em.transactional(fn);
  const result = await fn(em);
  await em.flush();
  return result;
}
