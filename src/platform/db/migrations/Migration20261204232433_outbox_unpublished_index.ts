import { Migration } from '@mikro-orm/migrations';

export class Migration20261204232433_outbox_unpublished_index extends Migration {

  override name = 'Migration20261204232433_outbox_unpublished_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index "outbox_event_published_at_seq_index";`);
    this.addSql(`create index "outbox_event_unpublished_seq_index" on "outbox_event" ("seq") where "published_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "outbox_event_unpublished_seq_index";`);
    this.addSql(`create index "outbox_event_published_at_seq_index" on "outbox_event" ("published_at", "seq");`);
  }

}
