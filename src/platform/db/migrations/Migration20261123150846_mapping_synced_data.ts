import { Migration } from '@mikro-orm/migrations';

export class Migration20261123150846_mapping_synced_data extends Migration {

  override name = 'Migration20261123150846_mapping_synced_data';

  override up(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" add "last_synced_data" jsonb null;`);
    // Backfill (hand-written): where the provider holds the customer's current version, that is what it holds.
    this.addSql(`update "external_mapping" m set "last_synced_data" = jsonb_build_object('name', c."name", 'email', c."email") from "customer" c where m."entity_type" = 'CUSTOMER' and m."entity_id" = c."id" and m."last_synced_version" = c."version" and c."deleted_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" drop column "last_synced_data";`);
  }

}
