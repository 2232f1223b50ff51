import { Migration } from '@mikro-orm/migrations';

export class Migration20261204202627_outbox_notify_after_commit extends Migration {

  override name = 'Migration20261204202627_outbox_notify_after_commit';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "outbox_event_notify" on "outbox_event";`);
    this.addSql(`drop function if exists "outbox_event_outbox_event_notify_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create or replace function "outbox_event_outbox_event_notify_fn"() returns trigger as \$\$ begin perform pg_notify('outbox_event', ''); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "outbox_event_notify" AFTER INSERT on "outbox_event" for each STATEMENT execute function "outbox_event_outbox_event_notify_fn"();`);
  }

}
