import type { QueryResult } from 'jsforce';
import type { FieldValues, RecordSnapshot } from '../../core/catalog.js';
import type { EntityType } from '../../core/enums.js';
import type { EntityAdapter, RecordWrite, RemoteRecord, WriteResult } from '../../core/provider.js';
import { ProviderError } from '../../core/provider-error.js';
import type { SalesforceApi } from './api.js';
import { GONE_CODES, recordError, recordErrorCode, SALESFORCE, type RecordResult } from './errors.js';
import { fromSObject, isDeleted, type SObjectRecord } from './mappers.js';

/** sObject Collections take at most 200 records a call (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm). */
export const COLLECTION_LIMIT = 200;

/**
 * Ids per read query: 200 ids of 18 characters keep the SOQL (sent in the URL of a GET) near 4 KB, well within
 * Salesforce's 16,384-character URI limit and 100,000-character SOQL limit
 * (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm).
 */
export const READ_LIMIT = 200;

/** How one catalog maps to one sObject type: pure functions, the adapter does the calls. */
export interface SObjectBinding<F extends FieldValues> {
  entityType: EntityType;
  /** API name, e.g. `Contact`, `Catalog_Invoice__c`. */
  sObjectType: string;
  /** For messages: "contact upsert". */
  label: string;
  /** Fields read back (besides Id, IsDeleted and the External ID field). */
  fields: readonly string[];
  /** Every field of a record, for creates (`parentIds`: its parents' ids in Salesforce). */
  toFields(record: RecordSnapshot<F>, parentIds: Readonly<Record<string, string>>): SObjectRecord;
  /** Only the changed fields, for updates of linked records. */
  toChangedFields(
    changed: Partial<F>,
    record: RecordSnapshot<F>,
    parentIds: Readonly<Record<string, string>>,
  ): SObjectRecord;
  /** What the record holds, in our field names (parent fields hold the Salesforce ids of the parents). */
  fromFields(r: SObjectRecord): RemoteRecord<F>['values'];
  /** Fields set on creates only (e.g. the Account new Contacts belong to). */
  createDefaults?: SObjectRecord;
}

type Indexed<F extends FieldValues> = { w: RecordWrite<F>; i: number };

/**
 * One catalog <-> one sObject type through jsforce, for any binding: batched Collections writes (creates upserted
 * by the External ID field holding our id, so a create whose reply was lost is never made twice; updates by
 * record Id with only the changed fields), deletes, reads with queryAll (deleted records too), SOQL backfill.
 */
export class SObjectAdapter<F extends FieldValues> implements EntityAdapter<F> {
  readonly maxBatchSize = COLLECTION_LIMIT;
  readonly maxReadBatch = READ_LIMIT;
  readonly entityType: EntityType;

  constructor(
    protected readonly api: SalesforceApi,
    protected readonly binding: SObjectBinding<F>,
    protected readonly externalIdField: string,
  ) {
    this.entityType = binding.entityType;
  }

  protected get selectFields(): string[] {
    return ['Id', ...this.binding.fields, 'IsDeleted', this.externalIdField];
  }

  protected fromRecord(r: SObjectRecord): RemoteRecord<F> {
    return fromSObject(r, this.externalIdField, this.binding.fromFields(r));
  }

  /** Upserts (create or update, keyed by our id) and deletes, each kind in one sObject Collections call. */
  async write(writes: RecordWrite<F>[]): Promise<WriteResult[]> {
    const { sObjectType, label } = this.binding;
    const results: WriteResult[] = new Array(writes.length);
    const field = this.externalIdField;
    const indexed: Indexed<F>[] = writes.map((w, i) => ({ w, i }));
    // New records: upsert keyed by our id in the External ID field, so a create whose reply was lost is not
    // repeated. Linked records: update by their record Id (the External ID may be missing there), only the
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
      const records = creates.map(({ w }) => ({
        attributes: { type: sObjectType },
        ...this.binding.toFields(w.record, w.parentIds ?? {}),
        [field]: w.record.id,
        ...this.binding.createDefaults,
      }));
      const out = await this.api.call(
        `${label} upsert`,
        async (conn) =>
          (await conn
            .sobject(sObjectType)
            .upsert(records as never, field, { allOrNone: false })) as unknown as RecordResult[],
      );
      collect(results, creates, out, `${label} upsert`, (r) => r.id ?? null);
    }
    if (updates.length > 0) {
      const records = updates.map(({ w }) => ({
        attributes: { type: sObjectType },
        Id: w.externalId,
        [field]: w.record.id,
        ...(w.changed
          ? this.binding.toChangedFields(w.changed, w.record, w.parentIds ?? {})
          : this.binding.toFields(w.record, w.parentIds ?? {})),
      }));
      const out = await this.api.call(
        `${label} update`,
        async (conn) =>
          (await conn.sobject(sObjectType).update(records as never, { allOrNone: false })) as unknown as RecordResult[],
      );
      collect(results, updates, out, `${label} update`, (_r, w) => w.externalId ?? null, { goneIfMissing: true });
    }
    if (toDelete.length > 0) {
      const out = await this.api.call(
        `${label} delete`,
        async (conn) =>
          (await conn.sobject(sObjectType).destroy(
            toDelete.map(({ w }) => w.externalId!),
            { allOrNone: false },
          )) as unknown as RecordResult[],
      );
      // Already deleted there: the delete has happened.
      const gone = out.map((r) => (GONE_CODES.has(recordErrorCode(r) ?? '') ? { ...r, success: true } : r));
      collect(results, toDelete, gone, `${label} delete`, (_r, w) => w.externalId ?? null);
    }
    return results;
  }

  /**
   * A resent create's first upsert may have made a record that someone deleted since; upserting again by External
   * ID would make a new one (an upsert never matches a deleted record), bringing back what they deleted. So the
   * resent ones are looked up first, deleted records included (queryAll), and one whose record is only in the
   * recycle bin is answered `gone` with that record's id instead of being sent.
   */
  private async skipDeletedSinceSent(creates: Indexed<F>[], results: WriteResult[]): Promise<Indexed<F>[]> {
    const resent = creates.filter(({ w }) => w.resent);
    if (resent.length === 0) return creates;
    const { sObjectType, label } = this.binding;
    const field = this.externalIdField;
    const ids = resent.map(({ w }) => `'${w.record.id.replace(/[^A-Za-z0-9-]/g, '')}'`);
    const found = await this.api.call(`${label} lookup`, async (conn): Promise<QueryResult<SObjectRecord>> =>
      conn.query<SObjectRecord>(
        `SELECT Id, IsDeleted, ${field} FROM ${sObjectType} WHERE ${field} IN (${ids.join(', ')})`,
        { scanAll: true, autoFetch: true },
      ),
    );
    const byOurId = new Map<string, SObjectRecord[]>();
    for (const r of found.records) {
      const ours = r[field];
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
        externalId: String(deleted.Id),
        error: new ProviderError(
          SALESFORCE,
          `${sObjectType} ${String(deleted.Id)} was deleted in Salesforce after we created it`,
          {
            retryable: false,
            providerCode: 'ENTITY_IS_DELETED',
          },
        ),
      };
      return false;
    });
  }

  /** The record in Lightning Experience (/lightning/r/<sObject>/<Id>/view), once logged in. */
  recordUrl(id: string): string | undefined {
    const base = this.api.conn.instanceUrl;
    return base ? `${base}/lightning/r/${this.binding.sObjectType}/${encodeURIComponent(id)}/view` : undefined;
  }

  async fetch(id: string): Promise<RemoteRecord<F> | undefined> {
    const [record] = await this.fetchMany([id]);
    return record;
  }

  /**
   * Up to READ_LIMIT records in one SOQL query (`Id IN (...)`), in the order asked; one no longer there (not even
   * in the recycle bin: queryAll sees deleted records) comes back deleted. Salesforce counts the call, not the
   * records, so the engine gathers concurrent reads into these (engine/gathered-reads.ts).
   */
  async fetchMany(ids: readonly string[]): Promise<Array<RemoteRecord<F> | undefined>> {
    const { sObjectType, label } = this.binding;
    const clean = ids.map((id) => id.replace(/[^A-Za-z0-9]/g, ''));
    const byId = new Map<string, RemoteRecord<F>>();
    for (let i = 0; i < clean.length; i += READ_LIMIT) {
      const list = [...new Set(clean.slice(i, i + READ_LIMIT))].map((id) => `'${id}'`).join(', ');
      const res = await this.api.call(`${label} fetch`, async (conn): Promise<QueryResult<SObjectRecord>> =>
        conn.query<SObjectRecord>(`SELECT ${this.selectFields.join(', ')} FROM ${sObjectType} WHERE Id IN (${list})`, {
          scanAll: true,
        }),
      );
      // Keyed by the 15-character form, which is what names the record: an id asked for in that form comes back in
      // its 18-character one, and the last three letters of an 18-character id are a case checksum.
      for (const r of res.records) {
        const record = this.fromRecord(r);
        byId.set(record.externalId.slice(0, 15), record);
      }
    }
    return clean.map(
      (id, i) => byId.get(id.slice(0, 15)) ?? { externalId: ids[i]!, internalId: null, deleted: true, values: {} },
    );
  }

  /** All live records via SOQL, page by page with queryMore (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm). */
  async *list(): AsyncIterable<RemoteRecord<F>> {
    const { sObjectType, label } = this.binding;
    let page = await this.api.call(`${label} list`, async (conn): Promise<QueryResult<SObjectRecord>> =>
      conn.query<SObjectRecord>(`SELECT ${this.selectFields.join(', ')} FROM ${sObjectType} ORDER BY CreatedDate ASC`, {
        autoFetch: false,
      }),
    );
    for (;;) {
      for (const r of page.records) yield this.fromRecord(r);
      if (page.done || !page.nextRecordsUrl) return;
      const next = page.nextRecordsUrl;
      page = await this.api.call(`${label} list`, async (conn): Promise<QueryResult<SObjectRecord>> =>
        conn.queryMore<SObjectRecord>(next),
      );
    }
  }
}

/** One result per write, in order, from a Collections call's per-record results. */
function collect<F extends FieldValues>(
  results: WriteResult[],
  items: Indexed<F>[],
  out: RecordResult[],
  action: string,
  externalId: (r: RecordResult, w: RecordWrite<F>) => string | null,
  { goneIfMissing = false } = {},
): void {
  items.forEach(({ w, i }, k) => {
    const r = out[k];
    // An update of a record that is not there (any more): deleted in Salesforce.
    const gone = goneIfMissing && GONE_CODES.has(recordErrorCode(r) ?? '');
    results[i] = r?.success
      ? { ok: true, externalId: externalId(r, w) }
      : { ok: false, error: recordError(r ?? { success: false }, action), ...(gone ? { gone } : {}) };
  });
}

/** A SOQL string literal's content (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm). */
export function soqlEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
