// MikroORM CLI entry (`npx mikro-orm ...`); the app builds the same options in src/platform/db/orm-options.ts.
import { ormOptions } from './src/platform/db/orm-options.js';
import { entities } from './src/registry.js';

export default ormOptions(process.env.DATABASE_URL ?? 'postgres://app@127.0.0.1:5432/catalog_sync', entities);
