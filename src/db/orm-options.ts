import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../domain/entities/index.js';
import { migrationsList } from './migrations/index.js';

/**
 * MikroORM options shared by the app, the tests and the migration script. Migrations are listed explicitly
 * (migrationsList) rather than discovered on disk, so the same code works from dist/, under jest and in tsc.
 */
export function ormOptions(clientUrl: string, poolMax = 10) {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Every request and message forks its own EntityManager; using the global one is a bug we want to see.
    allowGlobalContext: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      pathTs: 'src/db/migrations',
      path: 'dist/src/db/migrations',
      migrationsList,
      snapshot: false,
      silent: true,
      emit: 'ts',
    },
  });
}
