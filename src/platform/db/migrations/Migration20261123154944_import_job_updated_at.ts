import { Migration } from '@mikro-orm/migrations';

export class Migration20261123154944_import_job_updated_at extends Migration {

  override name = 'Migration20261123154944_import_job_updated_at';

  override up(): void | Promise<void> {
    // Hand-edited: existing rows need a value before the column can be NOT NULL.
    this.addSql(`alter table "import_job" add "updated_at" timestamptz null;`);
    this.addSql(`update "import_job" set "updated_at" = coalesce("finished_at", "started_at");`);
    this.addSql(`alter table "import_job" alter column "updated_at" set not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "import_job" drop column "updated_at";`);
  }

}
