import { Migration } from '@mikro-orm/migrations';

export class Migration20261123215559_write_intent extends Migration {

  override name = 'Migration20261123215559_write_intent';

  override up(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" add "create_key" varchar(255) null, add "create_record" jsonb null;`);
    this.addSql(`alter table "external_mapping" alter column "external_id" drop not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" drop column "create_key", drop column "create_record";`);
    this.addSql(`alter table "external_mapping" alter column "external_id" set not null;`);
  }

}
