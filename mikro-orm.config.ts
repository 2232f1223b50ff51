// MikroORM CLI entry (`npx mikro-orm ...`); the app builds the same options in src/db/orm-options.ts.
import { ormOptions } from './src/db/orm-options.js';

export default ormOptions(process.env.DATABASE_URL ?? 'postgres://app@127.0.0.1:5432/catalog_sync');
