import { Migration } from '@mikro-orm/migrations';

export class Migration20261123150119_poll_cursor extends Migration {

  override name = 'Migration20261123150119_poll_cursor';

  override up(): void | Promise<void> {
    this.addSql(`create table "poll_cursor" ("id" uuid not null, "provider" text not null, "name" varchar(100) not null, "value" varchar(100) not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "poll_cursor" add constraint "poll_cursor_provider_name_unique" unique ("provider", "name");`);

    this.addSql(`alter table "poll_cursor" add constraint "poll_cursor_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "poll_cursor" cascade;`);
  }

}
