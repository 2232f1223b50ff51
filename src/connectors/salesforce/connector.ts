import type { Connection, QueryResult } from 'jsforce';
import { Provider } from '../../domain/enums.js';
import type { Logger } from '../../logger.js';
import type { RateLimiter } from '../../sync/rate-limiter.js';
import type {
  Connector,
  CustomerPort,
  CustomerWrite,
  ExternalCustomer,
  InboundChange,
  WriteResult,
} from '../connector.js';
import { isNetworkError, ProviderError } from '../provider-error.js';
import { CONTACT_FIELDS, fromContact, toContact, toContactFields, type ContactRecord } from './mappers.js';

/** sObject Collections take at most 200 records a call (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm). */
export const COLLECTION_LIMIT = 200;

// Error codes worth retrying: limits and transient server/lock conditions
// (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
const RETRYABLE_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
]);
const GONE_CODES = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY']);

/** What goes on `inbound.salesforce`: from an outbound message (with the fields it carried) or from the poller. */
export interface SalesforceInboundMessage {
  source: 'outbound-message' | 'poll';
  eventId: string;
  contactId: string;
  fields?: Record<string, string>;
}

export function isRetryableSalesforceCode(code: string | undefined): boolean {
  if (!code) return false;
  if (RETRYABLE_CODES.has(code)) return true;
  const http = /^ERROR_HTTP_(\d+)$/.exec(code);
  return http ? Number(http[1]) === 429 || Number(http[1]) >= 500 : false;
}

export function toProviderError(err: unknown, action: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = (err as { errorCode?: string } | null)?.errorCode;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(Provider.SALESFORCE, `Salesforce ${action} failed: ${code ? `${code}: ` : ''}${message}`, {
    ...(code ? { providerCode: code } : {}),
    retryable: isNetworkError(err) || isRetryableSalesforceCode(code),
    // A daily API limit does not come back in seconds: wait long (the policy caps it).
    ...(code === 'REQUEST_LIMIT_EXCEEDED' ? { retryAfterMs: 60_000 } : {}),
    cause: err,
  });
}

interface RecordResult {
  id?: string | null;
  success: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message: string; fields?: string[] }>;
}

function recordError(r: RecordResult, action: string): ProviderError {
  const e = r.errors?.[0];
  const code = e?.statusCode ?? e?.errorCode;
  return new ProviderError(
    Provider.SALESFORCE,
    `Salesforce ${action} failed: ${code ?? 'ERROR'}: ${e?.message ?? 'unknown error'}`,
    {
      ...(code ? { providerCode: code } : {}),
      retryable: isRetryableSalesforceCode(code),
    },
  );
}

export interface SalesforceConnectorOptions {
  externalIdField: string;
  /** Account new Contacts are linked to, if any. */
  accountId?: string | undefined;
}

/** Customer ↔ Contact through jsforce: batched writes, idempotent upserts by External ID, SOQL backfill. */
export class SalesforceConnector implements Connector {
  readonly provider = Provider.SALESFORCE;
  readonly maxBatchSize = COLLECTION_LIMIT;
  readonly customers: CustomerPort;
  private usageWarned = false;

  constructor(
    private readonly conn: Connection,
    private readonly ready: () => Promise<void>,
    private readonly limiter: RateLimiter,
    private readonly options: SalesforceConnectorOptions,
    private readonly logger: Logger,
  ) {
    const field = options.externalIdField;
    this.customers = {
      write: (writes) => this.write(writes),
      fetch: (id) => this.fetch(id),
      linkInternalId: async (externalId, internalId) => {
        await this.call('contact link', () =>
          this.conn.sobject('Contact').update({ Id: externalId, [field]: internalId }),
        );
      },
      list: () => this.list(),
    };
  }

  /** API usage reported by Salesforce in Sforce-Limit-Info on every response (jsforce parses it). */
  apiUsage(): { used: number; limit: number } | undefined {
    return this.conn.limitInfo?.apiUsage;
  }

  idempotencyKey(eventId: string, operation: string): string {
    // Salesforce has no idempotency keys; upserts by External ID (our id) make retried writes safe instead.
    return `${eventId}:${operation}`;
  }

  parseInbound(message: unknown): InboundChange[] {
    const m = message as Partial<SalesforceInboundMessage> | null;
    if (!m || typeof m.eventId !== 'string' || typeof m.contactId !== 'string') return [];
    const change: InboundChange = {
      eventId: m.eventId,
      entityType: 'CUSTOMER',
      externalId: m.contactId,
      isEcho: false,
    };
    if (m.fields) change.announced = fromContact(m.fields as ContactRecord, this.options.externalIdField);
    return [change];
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    await this.limiter.acquire();
    try {
      await this.ready();
      return await fn();
    } catch (err) {
      throw toProviderError(err, action);
    } finally {
      this.checkUsage();
    }
  }

  private checkUsage() {
    const usage = this.apiUsage();
    if (usage && usage.used / usage.limit >= 0.8 && !this.usageWarned) {
      this.usageWarned = true;
      this.logger.warn('Salesforce API usage above 80% of the daily limit', { used: usage.used, limit: usage.limit });
    }
  }

  /** Upserts (create or update, keyed by our id) and deletes, each kind in one sObject Collections call. */
  private async write(writes: CustomerWrite[]): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(writes.length);
    const field = this.options.externalIdField;
    const indexed = writes.map((w, i) => ({ w, i }));
    // New records: upsert keyed by our id in the External ID field, so a create whose reply was lost is not
    // repeated. Linked records: update by their Contact Id (the External ID may be missing there), only the
    // fields that changed, and (re)stamp our id.
    const creates = indexed.filter(({ w }) => w.op === 'upsert' && !w.externalId);
    const updates = indexed.filter(({ w }) => w.op === 'upsert' && w.externalId);
    const deletes = indexed.filter(({ w }) => w.op === 'delete');
    for (const { i } of deletes.filter(({ w }) => !w.externalId)) results[i] = { ok: true, externalId: null };
    const toDelete = deletes.filter(({ w }) => w.externalId);

    if (creates.length > 0) {
      const account = this.options.accountId ? { AccountId: this.options.accountId } : {};
      const records = creates.map(({ w }) => ({
        attributes: { type: 'Contact' },
        ...toContact(w.customer, field),
        ...account,
      }));
      const out = (await this.call('contact upsert', () =>
        this.conn.sobject('Contact').upsert(records as never, field, { allOrNone: false }),
      )) as unknown as RecordResult[];
      creates.forEach(({ i }, k) => {
        const r = out[k];
        results[i] = r?.success
          ? { ok: true, externalId: r.id ?? null }
          : { ok: false, error: recordError(r ?? { success: false }, 'contact upsert') };
      });
    }
    if (updates.length > 0) {
      const records = updates.map(({ w }) => ({
        attributes: { type: 'Contact' },
        Id: w.externalId,
        [field]: w.customer.id,
        ...(w.changed ? toContactFields(w.changed) : toContact(w.customer, field)),
      }));
      const out = (await this.call('contact update', () =>
        this.conn.sobject('Contact').update(records as never, { allOrNone: false }),
      )) as unknown as RecordResult[];
      updates.forEach(({ w, i }, k) => {
        const r = out[k];
        results[i] = r?.success
          ? { ok: true, externalId: w.externalId ?? null }
          : { ok: false, error: recordError(r ?? { success: false }, 'contact update') };
      });
    }
    if (toDelete.length > 0) {
      const out = (await this.call('contact delete', () =>
        this.conn.sobject('Contact').destroy(
          toDelete.map(({ w }) => w.externalId!),
          { allOrNone: false },
        ),
      )) as unknown as RecordResult[];
      toDelete.forEach(({ w, i }, k) => {
        const r = out[k];
        const code = r?.errors?.[0]?.statusCode ?? r?.errors?.[0]?.errorCode;
        // Already deleted there: the delete has happened.
        results[i] =
          r?.success || (code && GONE_CODES.has(code))
            ? { ok: true, externalId: w.externalId ?? null }
            : { ok: false, error: recordError(r ?? { success: false }, 'contact delete') };
      });
    }
    return results;
  }

  private async fetch(id: string): Promise<ExternalCustomer | undefined> {
    const fields = [...CONTACT_FIELDS, this.options.externalIdField];
    // queryAll also sees deleted records (IsDeleted = true) still in the recycle bin.
    const res = await this.call('contact fetch', async (): Promise<QueryResult<ContactRecord>> =>
      this.conn.query<ContactRecord>(
        `SELECT ${fields.join(', ')} FROM Contact WHERE Id = '${id.replace(/[^A-Za-z0-9]/g, '')}'`,
        {
          scanAll: true,
        },
      ),
    );
    const record = res.records[0];
    if (!record) return { externalId: id, name: null, email: null, internalId: null, deleted: true };
    return fromContact(record, this.options.externalIdField);
  }

  /** All live Contacts via SOQL, page by page with queryMore (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm). */
  private async *list(): AsyncIterable<ExternalCustomer> {
    const fields = [...CONTACT_FIELDS, this.options.externalIdField];
    let page = await this.call('contact list', async (): Promise<QueryResult<ContactRecord>> =>
      this.conn.query<ContactRecord>(`SELECT ${fields.join(', ')} FROM Contact ORDER BY CreatedDate ASC`, {
        autoFetch: false,
      }),
    );
    for (;;) {
      for (const r of page.records) yield fromContact(r, this.options.externalIdField);
      if (page.done || !page.nextRecordsUrl) return;
      const next = page.nextRecordsUrl;
      page = await this.call('contact list', async (): Promise<QueryResult<ContactRecord>> =>
        this.conn.queryMore<ContactRecord>(next),
      );
    }
  }
}
