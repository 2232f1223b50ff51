import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from './orm-options.js';

export type Orm = MikroORM;

export async function createOrm(databaseUrl: string, poolMax?: number): Promise<Orm> {
  return MikroORM.init(ormOptions(databaseUrl, poolMax));
}

export async function migrate(orm: Orm): Promise<void> {
  await orm.migrator.up();
}
