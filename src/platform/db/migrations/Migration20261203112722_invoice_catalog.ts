import { Migration } from '@mikro-orm/migrations';

export class Migration20261203112722_invoice_catalog extends Migration {

  override name = 'Migration20261203112722_invoice_catalog';

  override up(): void | Promise<void> {
    this.addSql(`alter table "invoice" add "number" varchar(64) null;`);
    this.addSql(`create index "invoice_customer_id_index" on "invoice" ("customer_id");`);

    this.addSql(`alter table "sync_state" add "waiting_for_type" varchar(64) null, add "waiting_for_id" uuid null;`);
    this.addSql(`create index "sync_state_provider_waiting_for_type_waiting_for_id_index" on "sync_state" ("provider", "waiting_for_type", "waiting_for_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "invoice_customer_id_index";`);
    this.addSql(`alter table "invoice" drop column "number";`);

    this.addSql(`drop index "sync_state_provider_waiting_for_type_waiting_for_id_index";`);
    this.addSql(`alter table "sync_state" drop column "waiting_for_type", drop column "waiting_for_id";`);
  }

}
