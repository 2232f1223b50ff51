import { Migration } from '@mikro-orm/migrations';

export class Migration20261204164818_sync_history extends Migration {

  override name = 'Migration20261204164818_sync_history';

  override up(): void | Promise<void> {
    this.addSql(`create table "dead_letter" ("id" uuid not null, "provider" varchar(64) not null, "direction" varchar(16) not null, "entity_type" varchar(64) not null, "entity_id" uuid null, "external_id" varchar(255) null, "error" text not null, "attempts" int not null, "message" jsonb null, "created_at" timestamptz not null, "replayed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "dead_letter_replayed_at_created_at_index" on "dead_letter" ("replayed_at", "created_at");`);
    this.addSql(`create index "dead_letter_entity_type_entity_id_provider_index" on "dead_letter" ("entity_type", "entity_id", "provider");`);

    this.addSql(`create table "sync_event" ("id" uuid not null, "at" timestamptz not null, "provider" varchar(64) not null, "direction" varchar(16) not null, "entity_type" varchar(64) not null, "entity_id" uuid null, "external_id" varchar(255) null, "outcome" varchar(32) not null, "error" text null, "attempt" int null, "event_id" varchar(255) not null, "provider_request_id" varchar(255) null, "duration_ms" int not null, primary key ("id"));`);
    this.addSql(`create index "sync_event_entity_type_entity_id_at_index" on "sync_event" ("entity_type", "entity_id", "at");`);
    this.addSql(`create index "sync_event_provider_at_index" on "sync_event" ("provider", "at");`);
    this.addSql(`create index "sync_event_at_index" on "sync_event" ("at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "dead_letter" cascade;`);
    this.addSql(`drop table if exists "sync_event" cascade;`);
  }

}
