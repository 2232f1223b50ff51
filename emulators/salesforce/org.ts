/** The emulated org: records, open query cursors and the knobs tests turn. Shared by every route handler. */
import type { IncomingHttpHeaders } from 'node:http';
import { IdMinter } from './ids.js';
import { buildSchema } from './schema.js';
import { RecordStore } from './store.js';
import { truncateToSecond } from './time.js';

export interface OrgSettings {
  orgId: string;
  externalIdField: string;
  /** API name of the invoice custom object (default Catalog_Invoice__c). */
  invoiceObject: string;
  /** 1000 = second precision (emulator default); 60000 mirrors Salesforce, which ignores the seconds. */
  replicationGranularityMs: number;
}

interface Cursor {
  rows: Array<Record<string, unknown>>;
  versionBase: string;
}

/** Salesforce keeps at most 10 open query cursors per user and silently drops the oldest. */
const MAX_OPEN_CURSORS = 10;

export class Org {
  readonly settings: OrgSettings;
  readonly store: RecordStore;
  /** Test override for the query batch size (Salesforce itself only allows 200..2000 via Sforce-Query-Options). */
  queryBatchSize: number | undefined;
  /** earliestDateAvailable for getDeleted: nothing was deleted before the org (or its last reset) existed. */
  availableSince = 0;
  private cursors = new Map<string, Cursor>();
  private readonly cursorIds = new IdMinter();

  constructor(settings: OrgSettings) {
    this.settings = settings;
    this.store = new RecordStore(
      buildSchema({ externalIdField: settings.externalIdField, invoiceObject: settings.invoiceObject }),
    );
    this.reset();
  }

  /** Salesforce date-times have whole-second precision. */
  now(): number {
    return truncateToSecond(Date.now());
  }

  reset(): void {
    this.store.reset();
    this.cursors.clear();
    this.queryBatchSize = undefined;
    this.availableSince = this.now();
  }

  openCursor(rows: Array<Record<string, unknown>>, versionBase: string): string {
    const id = this.cursorIds.next('01g');
    this.cursors.set(id, { rows, versionBase });
    while (this.cursors.size > MAX_OPEN_CURSORS) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    return id;
  }

  cursor(id: string): Cursor | undefined {
    return this.cursors.get(id);
  }
}

/** Everything a /services/data/vXX.X route handler needs about the request. */
export interface ApiContext {
  org: Org;
  method: string;
  /** Path segments after /services/data/vXX.X, URL-decoded, empty ones dropped. */
  segments: string[];
  query: URLSearchParams;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  version: string;
  /** '/services/data/v62.0', for attributes.url and nextRecordsUrl. */
  versionBase: string;
  client: string | undefined;
}
