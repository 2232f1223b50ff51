import { Migration } from '@mikro-orm/migrations';

export class Migration20261123142112_init extends Migration {

  override name = 'Migration20261123142112_init';

  override up(): void | Promise<void> {
    this.addSql(`create table "customer" ("id" uuid not null, "name" varchar(200) not null, "email" varchar(320) not null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "customer_email_index" on "customer" ("email");`);

    this.addSql(`create table "external_mapping" ("id" uuid not null, "entity_type" text not null, "entity_id" uuid not null, "provider" text not null, "external_id" varchar(64) not null, "last_synced_version" int null, "last_synced_hash" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "external_mapping" add constraint "external_mapping_entity_type_entity_id_provider_unique" unique ("entity_type", "entity_id", "provider");`);
    this.addSql(`alter table "external_mapping" add constraint "external_mapping_provider_entity_type_external_id_unique" unique ("provider", "entity_type", "external_id");`);

    this.addSql(`create table "inbox_event" ("id" uuid not null, "provider" text not null, "event_id" varchar(200) not null, "received_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "inbox_event" add constraint "inbox_event_provider_event_id_unique" unique ("provider", "event_id");`);

    this.addSql(`create table "invoice" ("id" uuid not null, "customer_id" uuid not null, "amount_cents" int not null, "currency" varchar(3) not null, "status" text not null default 'draft', "description" text null, "due_date" date null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "outbox_event" ("seq" bigserial primary key, "id" uuid not null, "topic" varchar(200) not null, "key" varchar(200) not null, "type" varchar(100) not null, "payload" jsonb not null, "created_at" timestamptz not null, "published_at" timestamptz null);`);
    this.addSql(`alter table "outbox_event" add constraint "outbox_event_id_unique" unique ("id");`);
    this.addSql(`create index "outbox_event_published_at_seq_index" on "outbox_event" ("published_at", "seq");`);

    this.addSql(`create table "sync_state" ("id" uuid not null, "entity_type" text not null, "entity_id" uuid not null, "provider" text not null, "state" text not null, "target_version" int not null, "attempts" int not null default 0, "last_error" text null, "last_synced_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_entity_type_entity_id_provider_unique" unique ("entity_type", "entity_id", "provider");`);

    this.addSql(`alter table "external_mapping" add constraint "external_mapping_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "external_mapping" add constraint "external_mapping_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "inbox_event" add constraint "inbox_event_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "invoice" add constraint "invoice_customer_id_foreign" foreign key ("customer_id") references "customer" ("id");`);
    this.addSql(`alter table "invoice" add constraint "invoice_status_check" check ("status" in ('draft', 'open', 'paid', 'void', 'uncollectible'));`);

    this.addSql(`alter table "sync_state" add constraint "sync_state_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_state_check" check ("state" in ('PENDING', 'SYNCING', 'SYNCED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "invoice" drop constraint "invoice_customer_id_foreign";`);

    this.addSql(`drop table if exists "customer" cascade;`);
    this.addSql(`drop table if exists "external_mapping" cascade;`);
    this.addSql(`drop table if exists "inbox_event" cascade;`);
    this.addSql(`drop table if exists "invoice" cascade;`);
    this.addSql(`drop table if exists "outbox_event" cascade;`);
    this.addSql(`drop table if exists "sync_state" cascade;`);
  }

}
