import { Migration } from '@mikro-orm/migrations';

export class Migration20261123233529_mapping_carries_our_id extends Migration {

  override name = 'Migration20261123233529_mapping_carries_our_id';

  override up(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" add "carries_our_id" boolean not null default true;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" drop column "carries_our_id";`);
  }

}
