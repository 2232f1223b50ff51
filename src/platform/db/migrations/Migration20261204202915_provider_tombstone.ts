import { Migration } from '@mikro-orm/migrations';

export class Migration20261204202915_provider_tombstone extends Migration {

  override name = 'Migration20261204202915_provider_tombstone';

  override up(): void | Promise<void> {
    this.addSql(`create table "provider_tombstone" ("id" uuid not null, "provider" varchar(64) not null, "entity_type" varchar(64) not null, "external_id" varchar(64) not null, "deleted_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "provider_tombstone_deleted_at_index" on "provider_tombstone" ("deleted_at");`);
    this.addSql(`alter table "provider_tombstone" add constraint "provider_tombstone_provider_entity_type_external_id_unique" unique ("provider", "entity_type", "external_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "provider_tombstone" cascade;`);
  }

}
