import { minorUnitsPerMajor } from '../../catalogs/invoice/currencies.js';
import type { InvoiceFields } from '../../catalogs/invoice/validation.js';
import type { RemoteRecord } from '../../core/provider.js';
import type { SObjectRecord } from './mappers.js';

/**
 * Pure mappings between our invoice and the invoice custom object (`infra/salesforce/`, default
 * `Catalog_Invoice__c`): Name holds the invoice number, Contact__c the customer's Contact, Amount__c the amount in
 * major units (a Currency field is a decimal: 1234 cents is 12.34, but 1234 JPY is 1234), Status__c a picklist of
 * our statuses capitalized.
 */

/** The record name of an invoice without a number yet (Name is required in Salesforce). */
export const DRAFT_NAME = 'Draft';

export const INVOICE_FIELDS = [
  'Name',
  'Contact__c',
  'Amount__c',
  'Currency__c',
  'Status__c',
  'Due_Date__c',
  'Description__c',
] as const;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Cents to the decimal Salesforce stores (exact: minor units are whole numbers, the divisor 1 or 100). */
export function toAmount(amountCents: number, currency: string): number {
  return amountCents / minorUnitsPerMajor(currency);
}

/** Back to minor units; rounding absorbs the binary fraction of e.g. 12.34 * 100. */
export function fromAmount(amount: unknown, currency: string): number | null {
  if (amount === null || amount === undefined || amount === '') return null;
  const n = Number(amount);
  return Number.isFinite(n) ? Math.round(n * minorUnitsPerMajor(currency)) : null;
}

export function toInvoiceFields(
  changed: Partial<InvoiceFields>,
  record: Pick<InvoiceFields, 'amountCents' | 'currency'>,
  parentIds: Readonly<Record<string, string>>,
): SObjectRecord {
  const out: SObjectRecord = {};
  if (changed.number !== undefined) out.Name = changed.number ?? DRAFT_NAME;
  if (changed.customerId !== undefined) out.Contact__c = parentIds.customerId ?? null;
  // The amount means nothing without its currency: a change of either sends both.
  if (changed.amountCents !== undefined || changed.currency !== undefined) {
    out.Amount__c = toAmount(record.amountCents, record.currency);
    out.Currency__c = record.currency;
  }
  if (changed.status !== undefined) out.Status__c = capitalize(changed.status);
  if (changed.dueDate !== undefined) out.Due_Date__c = changed.dueDate;
  if (changed.description !== undefined) out.Description__c = changed.description;
  return out;
}

export function fromInvoiceFields(r: SObjectRecord): RemoteRecord<InvoiceFields>['values'] {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const currency = text(r.Currency__c);
  const name = text(r.Name);
  return {
    customerId: text(r.Contact__c),
    number: name === DRAFT_NAME ? null : name,
    amountCents: currency ? fromAmount(r.Amount__c, currency) : null,
    currency,
    status: text(r.Status__c)?.toLowerCase() ?? null,
    dueDate: text(r.Due_Date__c),
    description: text(r.Description__c),
  };
}
