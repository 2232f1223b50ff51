import type { QueryResult } from 'jsforce';
import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteResult } from '../../core/provider.js';
import { ProviderError } from '../../core/provider-error.js';
import type { SalesforceApi } from './api.js';
import { GONE_CODES, recordError, recordErrorCode, SALESFORCE, type RecordResult } from './errors.js';
import { CONTACT_FIELDS, fromContact, isDeleted, toContact, toContactFields, type ContactRecord } from './mappers.js';

/** sObject Collections take at most 200 records a call (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm). */
export const COLLECTION_LIMIT = 200;

export interface ContactAdapterOptions {
  externalIdField: string;
  /** Account new Contacts are linked to, if any. */
  accountId?: string | undefined;
}

type Write = RecordWrite<CustomerFields>;
type Indexed = { w: Write; i: number };

/** Customer <-> Contact through jsforce: batched writes, idempotent upserts by External ID, SOQL backfill. */
export class SalesforceContactAdapter implements EntityAdapter<CustomerFields> {
  readonly entityType = CUSTOMER;
  readonly maxBatchSize = COLLECTION_LIMIT;

  constructor(
    private readonly api: SalesforceApi,
    private readonly options: ContactAdapterOptions,
  ) {}

  private get fields(): string[] {
    return [...CONTACT_FIELDS, this.options.externalIdField];
  }

  /** Upserts (create or update, keyed by our id) and deletes, each kind in one sObject Collections call. */
  async write(writes: Write[]): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(writes.length);
    const field = this.options.externalIdField;
    const indexed: Indexed[] = writes.map((w, i) => ({ w, i }));
    // New records: upsert keyed by our id in the External ID field, so a create whose reply was lost is not
    // repeated. Linked records: update by their Contact Id (the External ID may be missing there), only the
    // fields that changed, and (re)stamp our id.
    const creates = await this.skipDeletedSinceSent(
      indexed.filter(({ w }) => w.op === 'upsert' && !w.externalId),
      results,
    );
    const updates = indexed.filter(({ w }) => w.op === 'upsert' && w.externalId);
    const deletes = indexed.filter(({ w }) => w.op === 'delete');
    for (const { i } of deletes.filter(({ w }) => !w.externalId)) results[i] = { ok: true, externalId: null };
    const toDelete = deletes.filter(({ w }) => w.externalId);

    if (creates.length > 0) {
      const account = this.options.accountId ? { AccountId: this.options.accountId } : {};
      const records = creates.map(({ w }) => ({
        attributes: { type: 'Contact' },
        ...toContact(w.record, field),
        ...account,
      }));
      const out = await this.api.call(
        'contact upsert',
        async (conn) =>
          (await conn
            .sobject('Contact')
            .upsert(records as never, field, { allOrNone: false })) as unknown as RecordResult[],
      );
      collect(results, creates, out, 'contact upsert', (r) => r.id ?? null);
    }
    if (updates.length > 0) {
      const records = updates.map(({ w }) => ({
        attributes: { type: 'Contact' },
        Id: w.externalId,
        [field]: w.record.id,
        ...(w.changed ? toContactFields(w.changed) : toContact(w.record, field)),
      }));
      const out = await this.api.call(
        'contact update',
        async (conn) =>
          (await conn.sobject('Contact').update(records as never, { allOrNone: false })) as unknown as RecordResult[],
      );
      collect(results, updates, out, 'contact update', (_r, w) => w.externalId ?? null, { goneIfMissing: true });
    }
    if (toDelete.length > 0) {
      const out = await this.api.call(
        'contact delete',
        async (conn) =>
          (await conn.sobject('Contact').destroy(
            toDelete.map(({ w }) => w.externalId!),
            { allOrNone: false },
          )) as unknown as RecordResult[],
      );
      // Already deleted there: the delete has happened.
      const gone = out.map((r) => (GONE_CODES.has(recordErrorCode(r) ?? '') ? { ...r, success: true } : r));
      collect(results, toDelete, gone, 'contact delete', (_r, w) => w.externalId ?? null);
    }
    return results;
  }

  /**
   * A resent create's first upsert may have made a Contact that someone deleted since; upserting again by External
   * ID would make a new one (an upsert never matches a deleted record), bringing back what they deleted. So the
   * resent ones are looked up first, deleted records included (queryAll), and one whose Contact is only in the
   * recycle bin is answered `gone` with that Contact's id instead of being sent.
   */
  private async skipDeletedSinceSent(creates: Indexed[], results: WriteResult[]): Promise<Indexed[]> {
    const resent = creates.filter(({ w }) => w.resent);
    if (resent.length === 0) return creates;
    const field = this.options.externalIdField;
    const ids = resent.map(({ w }) => `'${w.record.id.replace(/[^A-Za-z0-9-]/g, '')}'`);
    const found = await this.api.call('contact lookup', async (conn): Promise<QueryResult<ContactRecord>> =>
      conn.query<ContactRecord>(`SELECT Id, IsDeleted, ${field} FROM Contact WHERE ${field} IN (${ids.join(', ')})`, {
        scanAll: true,
        autoFetch: true,
      }),
    );
    const byOurId = new Map<string, ContactRecord[]>();
    for (const r of found.records) {
      const ours = (r as unknown as Record<string, unknown>)[field];
      if (typeof ours === 'string') byOurId.set(ours, [...(byOurId.get(ours) ?? []), r]);
    }
    return creates.filter(({ w, i }) => {
      if (!w.resent) return true;
      const made = byOurId.get(w.record.id) ?? [];
      const deleted = made.find((r) => isDeleted(r));
      if (!deleted || made.some((r) => !isDeleted(r))) return true; // never made, or still there: upsert it
      results[i] = {
        ok: false,
        gone: true,
        externalId: deleted.Id,
        error: new ProviderError(SALESFORCE, `Contact ${deleted.Id} was deleted in Salesforce after we created it`, {
          retryable: false,
          providerCode: 'ENTITY_IS_DELETED',
        }),
      };
      return false;
    });
  }

  async fetch(id: string): Promise<RemoteRecord<CustomerFields> | undefined> {
    // queryAll also sees deleted records (IsDeleted = true) still in the recycle bin.
    const res = await this.api.call('contact fetch', async (conn): Promise<QueryResult<ContactRecord>> =>
      conn.query<ContactRecord>(
        `SELECT ${this.fields.join(', ')} FROM Contact WHERE Id = '${id.replace(/[^A-Za-z0-9]/g, '')}'`,
        { scanAll: true },
      ),
    );
    const record = res.records[0];
    if (!record) return { externalId: id, internalId: null, deleted: true, values: {} };
    return fromContact(record, this.options.externalIdField);
  }

  /** Live Contacts with one of the records' emails, oldest first (SOQL compares text case-insensitively). */
  async findByNaturalKey(records: Partial<CustomerFields>[]): Promise<RemoteRecord<CustomerFields>[]> {
    const emails = [...new Set(records.map((r) => r.email).filter((e): e is string => !!e))];
    if (emails.length === 0) return [];
    const list = emails.map((e) => `'${soqlEscape(e)}'`).join(', ');
    const res = await this.api.call('contact lookup', async (conn): Promise<QueryResult<ContactRecord>> =>
      conn.query<ContactRecord>(
        `SELECT ${this.fields.join(', ')} FROM Contact WHERE Email IN (${list}) ORDER BY CreatedDate ASC`,
        { autoFetch: true },
      ),
    );
    return res.records.map((r) => fromContact(r, this.options.externalIdField));
  }

  /** All live Contacts via SOQL, page by page with queryMore (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm). */
  async *list(): AsyncIterable<RemoteRecord<CustomerFields>> {
    let page = await this.api.call('contact list', async (conn): Promise<QueryResult<ContactRecord>> =>
      conn.query<ContactRecord>(`SELECT ${this.fields.join(', ')} FROM Contact ORDER BY CreatedDate ASC`, {
        autoFetch: false,
      }),
    );
    for (;;) {
      for (const r of page.records) yield fromContact(r, this.options.externalIdField);
      if (page.done || !page.nextRecordsUrl) return;
      const next = page.nextRecordsUrl;
      page = await this.api.call('contact list', async (conn): Promise<QueryResult<ContactRecord>> =>
        conn.queryMore<ContactRecord>(next),
      );
    }
  }
}

/** One result per write, in order, from a Collections call's per-record results. */
function collect(
  results: WriteResult[],
  items: Indexed[],
  out: RecordResult[],
  action: string,
  externalId: (r: RecordResult, w: Write) => string | null,
  { goneIfMissing = false } = {},
): void {
  items.forEach(({ w, i }, k) => {
    const r = out[k];
    // An update of a Contact that is not there (any more): deleted in Salesforce.
    const gone = goneIfMissing && GONE_CODES.has(recordErrorCode(r) ?? '');
    results[i] = r?.success
      ? { ok: true, externalId: externalId(r, w) }
      : { ok: false, error: recordError(r ?? { success: false }, action), ...(gone ? { gone } : {}) };
  });
}

/** A SOQL string literal's content (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm). */
function soqlEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
