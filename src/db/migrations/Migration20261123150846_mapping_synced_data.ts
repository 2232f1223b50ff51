import { Migration } from '@mikro-orm/migrations';

export class Migration20261123150846_mapping_synced_data extends Migration {

  override name = 'Migration20261123150846_mapping_synced_data';

  override up(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" add "last_synced_data" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" drop column "last_synced_data";`);
  }

}
