import { Migration } from '@mikro-orm/migrations';

export class Migration20261123210744_plugin_names extends Migration {

  override name = 'Migration20261123210744_plugin_names';

  override up(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" drop constraint "external_mapping_entity_type_check";`);
    this.addSql(`alter table "external_mapping" drop constraint "external_mapping_provider_check";`);
    this.addSql(`alter table "external_mapping" alter column "entity_type" type varchar(64) using ("entity_type"::varchar(64));`);
    this.addSql(`alter table "external_mapping" alter column "provider" type varchar(64) using ("provider"::varchar(64));`);

    this.addSql(`alter table "import_job" drop constraint "import_job_entity_type_check";`);
    this.addSql(`alter table "import_job" drop constraint "import_job_provider_check";`);
    this.addSql(`alter table "import_job" alter column "provider" type varchar(64) using ("provider"::varchar(64));`);
    this.addSql(`alter table "import_job" alter column "entity_type" type varchar(64) using ("entity_type"::varchar(64));`);

    this.addSql(`alter table "inbox_event" drop constraint "inbox_event_provider_check";`);
    this.addSql(`alter table "inbox_event" alter column "provider" type varchar(64) using ("provider"::varchar(64));`);

    this.addSql(`alter table "poll_cursor" drop constraint "poll_cursor_provider_check";`);
    this.addSql(`alter table "poll_cursor" alter column "provider" type varchar(64) using ("provider"::varchar(64));`);

    this.addSql(`alter table "sync_state" drop constraint "sync_state_entity_type_check";`);
    this.addSql(`alter table "sync_state" drop constraint "sync_state_provider_check";`);
    this.addSql(`alter table "sync_state" alter column "entity_type" type varchar(64) using ("entity_type"::varchar(64));`);
    this.addSql(`alter table "sync_state" alter column "provider" type varchar(64) using ("provider"::varchar(64));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "external_mapping" alter column "entity_type" type text using ("entity_type"::text);`);
    this.addSql(`alter table "external_mapping" alter column "provider" type text using ("provider"::text);`);
    this.addSql(`alter table "external_mapping" add constraint "external_mapping_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "external_mapping" add constraint "external_mapping_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "import_job" alter column "provider" type text using ("provider"::text);`);
    this.addSql(`alter table "import_job" alter column "entity_type" type text using ("entity_type"::text);`);
    this.addSql(`alter table "import_job" add constraint "import_job_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "import_job" add constraint "import_job_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "inbox_event" alter column "provider" type text using ("provider"::text);`);
    this.addSql(`alter table "inbox_event" add constraint "inbox_event_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "poll_cursor" alter column "provider" type text using ("provider"::text);`);
    this.addSql(`alter table "poll_cursor" add constraint "poll_cursor_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);

    this.addSql(`alter table "sync_state" alter column "entity_type" type text using ("entity_type"::text);`);
    this.addSql(`alter table "sync_state" alter column "provider" type text using ("provider"::text);`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_entity_type_check" check ("entity_type" in ('CUSTOMER', 'INVOICE'));`);
    this.addSql(`alter table "sync_state" add constraint "sync_state_provider_check" check ("provider" in ('STRIPE', 'SALESFORCE'));`);
  }

}
