import type { QueryResult } from 'jsforce';
import { CUSTOMER } from '../../catalogs/customer/definition.js';
import type { CustomerFields } from '../../catalogs/customer/validation.js';
import type { RemoteRecord } from '../../core/provider.js';
import type { SalesforceApi } from './api.js';
import { fromContactFields, toContactFields, type SObjectRecord } from './mappers.js';
import { SObjectAdapter, soqlEscape, type SObjectBinding } from './sobject-adapter.js';

export interface ContactAdapterOptions {
  externalIdField: string;
  /** Account new Contacts are linked to, if any. */
  accountId?: string | undefined;
}

export function contactBinding(accountId: string | undefined): SObjectBinding<CustomerFields> {
  return {
    entityType: CUSTOMER,
    sObjectType: 'Contact',
    label: 'contact',
    fields: ['FirstName', 'LastName', 'Email'],
    toFields: (c) => toContactFields({ name: c.name, email: c.email }),
    toChangedFields: (changed) => toContactFields(changed),
    fromFields: fromContactFields,
    ...(accountId ? { createDefaults: { AccountId: accountId } } : {}),
  };
}

/** Customer <-> Contact: the generic sObject adapter, plus the look-up by email before a create. */
export class SalesforceContactAdapter extends SObjectAdapter<CustomerFields> {
  constructor(api: SalesforceApi, options: ContactAdapterOptions) {
    super(api, contactBinding(options.accountId), options.externalIdField);
  }

  /** Live Contacts with one of the records' emails, oldest first (SOQL compares text case-insensitively). */
  async findByNaturalKey(records: Partial<CustomerFields>[]): Promise<RemoteRecord<CustomerFields>[]> {
    const emails = [...new Set(records.map((r) => r.email).filter((e): e is string => !!e))];
    if (emails.length === 0) return [];
    const list = emails.map((e) => `'${soqlEscape(e)}'`).join(', ');
    const res = await this.api.call('contact lookup', async (conn): Promise<QueryResult<SObjectRecord>> =>
      conn.query<SObjectRecord>(
        `SELECT ${this.selectFields.join(', ')} FROM Contact WHERE Email IN (${list}) ORDER BY CreatedDate ASC`,
        { autoFetch: true },
      ),
    );
    return res.records.map((r) => this.fromRecord(r));
  }
}
