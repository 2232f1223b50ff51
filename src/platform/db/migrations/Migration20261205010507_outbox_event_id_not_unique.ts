import { Migration } from '@mikro-orm/migrations';

export class Migration20261205010507_outbox_event_id_not_unique extends Migration {

  override name = 'Migration20261205010507_outbox_event_id_not_unique';

  override up(): void | Promise<void> {
    this.addSql(`alter table "outbox_event" drop constraint "outbox_event_id_unique";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "outbox_event" add constraint "outbox_event_id_unique" unique ("id");`);
  }

}
