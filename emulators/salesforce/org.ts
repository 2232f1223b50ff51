/** The emulated org: records, open query cursors and the knobs tests turn. Shared by every route handler. */
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorClock } from './clock.js';
import { IdMinter } from './ids.js';
import { buildSchema } from './schema.js';
import { RecordStore, type RecordStoreState } from './store.js';
import { truncateToSecond } from './time.js';

export interface OrgSettings {
  orgId: string;
  externalIdField: string;
  /** API name of the invoice custom object (default Catalog_Invoice__c). */
  invoiceObject: string;
}

interface Cursor {
  rows: Array<Record<string, unknown>>;
  versionBase: string;
}

/** Salesforce keeps at most 10 open query cursors per user and silently drops the oldest. */
const MAX_OPEN_CURSORS = 10;

export interface OrgState {
  store: RecordStoreState;
  availableSince: number;
}

export class Org {
  readonly settings: OrgSettings;
  readonly store: RecordStore;
  /** Test override for the query batch size (Salesforce itself only allows 200..2000 via Sforce-Query-Options). */
  queryBatchSize: number | undefined;
  /**
   * earliestDateAvailable for getDeleted: 0 until purgeDeletedBefore moves it to a purge's cut-off (a reset
   * is a fresh org, not a purge, so a client's older cursor stays valid).
   */
  availableSince = 0;
  readonly clock: EmulatorClock;
  private cursors = new Map<string, Cursor>();
  private readonly cursorIds = new IdMinter();

  constructor(settings: OrgSettings, clock: EmulatorClock) {
    this.settings = settings;
    this.clock = clock;
    this.store = new RecordStore(
      buildSchema({ externalIdField: settings.externalIdField, invoiceObject: settings.invoiceObject }),
    );
    this.reset();
  }

  /** Salesforce date-times have whole-second precision. */
  now(): number {
    return truncateToSecond(this.clock.now());
  }

  /**
   * Physically deletes what was deleted before `cutoff` (the recycle bin emptied, or the delete log purged):
   * those records leave queryAll and getDeleted, and getDeleted refuses a start before the cut-off
   * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getdeleted.htm).
   * Returns how many records went.
   */
  purgeDeletedBefore(cutoff: number): number {
    let purged = 0;
    for (const def of this.store.schema.values()) {
      for (const r of this.store.all(def.name, true)) {
        if (r.deletedAt === undefined || r.deletedAt >= cutoff) continue;
        this.store.remove(r.id);
        purged += 1;
      }
    }
    this.availableSince = Math.max(this.availableSince, cutoff);
    return purged;
  }

  /** The org's data as plain JSON-able data (records, id counter, how far the delete log goes back). */
  state(): OrgState {
    return { store: this.store.state(), availableSince: this.availableSince };
  }

  restore(state: OrgState): void {
    this.store.restore(state.store);
    this.availableSince = state.availableSince;
  }

  reset(): void {
    this.store.reset();
    this.cursors.clear();
    this.queryBatchSize = undefined;
    this.availableSince = 0;
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
