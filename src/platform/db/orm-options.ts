import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from './migrations/index.js';

/**
 * MikroORM options shared by the app, the tests and the migration script. Migrations are listed explicitly
 * (migrationsList) rather than discovered on disk, so the same code works from dist/, under jest and in tsc.
 */
/** Entity schemas (defineEntity) or classes: the composition root passes the engine's and every catalog's. */
export type EntityList = readonly unknown[];

export function ormOptions(clientUrl: string, entities: EntityList, poolMax = 10) {
  return defineConfig({
    clientUrl,
    entities: [...entities] as never,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Every request and message forks its own EntityManager; using the global one is a bug we want to see.
    allowGlobalContext: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      pathTs: 'src/platform/db/migrations',
      path: 'dist/src/platform/db/migrations',
      migrationsList,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
  });
}
