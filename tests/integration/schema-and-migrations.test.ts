import fs from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { createOrm, migrate } from '../../src/platform/db/orm.js';
import { entities } from '../../src/registry.js';
import { buildAppSchema } from '../../src/schema.js';
import { createTestDatabase } from '../support/harness.js';

describe('committed artefacts match the code', () => {
  it('schema.graphql is the schema the code builds (run `npm run schema:emit` after API changes)', async () => {
    const committed = fs.readFileSync(path.join(process.cwd(), 'schema.graphql'), 'utf8');
    expect(committed).toBe(printSchema(await buildAppSchema()) + '\n');
  });

  it('the committed migrations build exactly the schema the entities describe (else `npm run migration:create`)', async () => {
    const orm = await createOrm(await createTestDatabase(), entities);
    try {
      await migrate(orm);
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    } finally {
      await orm.close(true);
    }
  });
});
