import { INVOICE } from '../../catalogs/invoice/definition.js';
import type { InvoiceFields } from '../../catalogs/invoice/validation.js';
import type { SalesforceApi } from './api.js';
import { fromInvoiceFields, INVOICE_FIELDS, toInvoiceFields } from './invoice-mappers.js';
import { SObjectAdapter, type SObjectBinding } from './sobject-adapter.js';

/** Invoice <-> the invoice custom object (`SALESFORCE_INVOICE_OBJECT`, default `Catalog_Invoice__c`). */
export function invoiceBinding(sObjectType: string): SObjectBinding<InvoiceFields> {
  return {
    entityType: INVOICE,
    sObjectType,
    label: 'invoice',
    fields: INVOICE_FIELDS,
    toFields: (inv, parentIds) => toInvoiceFields(inv, inv, parentIds),
    toChangedFields: (changed, inv, parentIds) => toInvoiceFields(changed, inv, parentIds),
    fromFields: fromInvoiceFields,
  };
}

/** The generic sObject adapter over the invoice binding; the engine supplies the Contact id (`parentIds`). */
export class SalesforceInvoiceAdapter extends SObjectAdapter<InvoiceFields> {
  constructor(api: SalesforceApi, sObjectType: string, externalIdField: string) {
    super(api, invoiceBinding(sObjectType), externalIdField);
  }
}
