import { stateError } from './errors.js';
import { dueDate } from './invoice-objects.js';
import { checkDueTerms, type DueTerms, type InvoiceUpdateInput } from './invoice-params.js';
import { applyMetadata } from './metadata.js';
import type { StripeInvoice } from './types.js';

// What `POST /v1/invoices/:id` may change in each status. "Draft invoices are fully editable. Once an invoice is
// finalized, monetary values, as well as collection_method, become uneditable"
// (https://docs.stripe.com/api/invoices/update): here a finalized invoice keeps description and metadata editable,
// and its due date while it is open.

export interface EditableInvoice {
  invoice: StripeInvoice;
  /** `days_until_due` as last set on the draft; not part of the wire object, finalizing turns it into a due date. */
  daysUntilDue: number | null;
}

/** The invoice after `input` (unchanged fields stay identical); throws for a change its status forbids. */
export function editInvoice({ invoice, daysUntilDue }: EditableInvoice, input: InvoiceUpdateInput): EditableInvoice {
  if (invoice.status !== 'draft') checkFinalizedEdit(invoice, input);

  const method = input.collectionMethod ?? invoice.collection_method;
  const given: DueTerms = {
    ...(input.dueDate !== undefined && { dueDate: input.dueDate }),
    ...(input.daysUntilDue !== undefined && { daysUntilDue: input.daysUntilDue }),
  };
  const termsGiven = Object.keys(given).length > 0;
  let due = invoice.due_date;
  let days = daysUntilDue;
  if (termsGiven || method !== invoice.collection_method) {
    // Switching to send_invoice needs new terms; keeping it keeps the current ones unless new ones are given.
    const current: DueTerms =
      days !== null ? { daysUntilDue: days } : invoice.due_date !== null ? { dueDate: invoice.due_date } : {};
    const terms = termsGiven ? given : method === invoice.collection_method ? current : {};
    checkDueTerms(method, terms);
    due = dueDate(terms, invoice.created);
    days = terms.daysUntilDue ?? null;
  }

  return {
    invoice: {
      ...invoice,
      collection_method: method,
      due_date: due,
      ...(input.description !== undefined && { description: input.description }),
      ...(input.metadata && { metadata: applyMetadata(invoice.metadata, input.metadata) }),
      ...(input.autoAdvance !== undefined && { auto_advance: input.autoAdvance }),
    },
    daysUntilDue: days,
  };
}

function checkFinalizedEdit(invoice: StripeInvoice, input: InvoiceUpdateInput): void {
  const draftOnly: Array<[string, unknown]> = [
    ['collection_method', input.collectionMethod],
    ['days_until_due', input.daysUntilDue],
    ['auto_advance', input.autoAdvance],
  ];
  for (const [param, value] of draftOnly) {
    if (value !== undefined) {
      throw stateError(`Finalized invoices can't be updated in this way: \`${param}\` can only be changed on drafts.`, {
        code: 'invoice_not_editable',
        param,
      });
    }
  }
  if (input.dueDate !== undefined && invoice.status !== 'open') {
    throw stateError(
      `The due date of a finalized invoice can only be changed while it is open; it is ${invoice.status}.`,
      {
        code: 'invoice_not_editable',
        param: 'due_date',
      },
    );
  }
}
