import { Migration } from '@mikro-orm/migrations';

export class Migration20261123144829_import_job extends Migration {

  override name = 'Migration20261123144829_import_job';

  override up(): void | Promise<void> {
    this.addSql(`create table "import_job" ("id" uuid not null, "provider" text not null, "entity_type" text not null, "status" text not null, "processed" int not null default 0, "created" int not null default 0, "linked" int not null default 0, "updated" int not null default 0, "unchanged" int not null default 0, "skipped" int not null default 0, "error" text null, "started_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`);

    this.addSql(`alter table "import_job" add constraint "import_job_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);
    this.addSql(`alter table "import_job" add constraint "import_job_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "import_job" add constraint "import_job_status_check" check ("status" in ('RUNNING', 'COMPLETED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "import_job" cascade;`);
  }

}
