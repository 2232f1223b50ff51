import type { RawValues } from '../../core/catalog.js';
import { ValidationError, type FieldError } from '../../core/errors.js';
import { textProblem, UUID } from '../../core/text.js';
import { CURRENCIES, MAX_AMOUNT } from './currencies.js';
import { InvoiceStatus } from './entity.js';

export type InvoiceFields = {
  customerId: string;
  number: string | null;
  amountCents: number;
  currency: string;
  status: string;
  description: string | null;
  dueDate: string | null;
};

const STATUSES: ReadonlySet<string> = new Set(Object.values(InvoiceStatus));
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const blankToNull = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v).trim();
  return s === '' ? null : s;
};

/**
 * Canonical form of the fields that are present: currencies upper case (Stripe answers in lower case), statuses
 * lower case, blank text is null, a due date is its calendar day (a timestamp's date part), amounts numbers.
 */
export function canonicalInvoice(input: RawValues<InvoiceFields>): Partial<InvoiceFields> {
  const out: Record<string, unknown> = {};
  if (input.customerId !== undefined)
    out.customerId = String(input.customerId ?? '')
      .trim()
      .toLowerCase();
  if (input.number !== undefined) out.number = blankToNull(input.number);
  if (input.amountCents !== undefined)
    out.amountCents =
      typeof input.amountCents === 'string' && input.amountCents.trim() !== ''
        ? Number(input.amountCents)
        : input.amountCents;
  if (input.currency !== undefined)
    out.currency = String(input.currency ?? '')
      .trim()
      .toUpperCase();
  if (input.status !== undefined)
    out.status = String(input.status ?? '')
      .trim()
      .toLowerCase();
  if (input.description !== undefined) out.description = blankToNull(input.description);
  if (input.dueDate !== undefined) out.dueDate = blankToNull(input.dueDate)?.slice(0, 10) ?? null;
  return out as Partial<InvoiceFields>;
}

function isDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Canonical form, then checked; throws one ValidationError naming every bad field. */
export function normalizeInvoiceFields(input: RawValues<InvoiceFields>): Partial<InvoiceFields> {
  const out = canonicalInvoice(input);
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(out)) {
    const problem = typeof value === 'string' ? textProblem(field, value) : undefined;
    if (problem) errors.push(problem);
  }
  if (errors.length > 0) throw new ValidationError(errors);
  if (out.customerId !== undefined && !UUID.test(out.customerId))
    errors.push({ field: 'customerId', message: 'must be the id (a UUID) of a customer' });
  if (out.number !== undefined && out.number !== null && out.number.length > 64)
    errors.push({ field: 'number', message: 'must be at most 64 characters' });
  if (out.amountCents !== undefined) {
    const a = out.amountCents as unknown;
    if (typeof a !== 'number' || !Number.isSafeInteger(a))
      errors.push({ field: 'amountCents', message: 'must be a whole number of minor units (cents)' });
    else if (a < 0) errors.push({ field: 'amountCents', message: 'must not be negative' });
    else if (a > MAX_AMOUNT)
      errors.push({ field: 'amountCents', message: `must be at most ${MAX_AMOUNT} (Stripe's largest amount)` });
  }
  if (out.currency !== undefined && !CURRENCIES.has(out.currency))
    errors.push({ field: 'currency', message: 'must be an ISO 4217 code Stripe supports (e.g. USD, EUR, JPY)' });
  if (out.status !== undefined && !STATUSES.has(out.status))
    errors.push({ field: 'status', message: `must be one of ${[...STATUSES].join(', ')}` });
  if (out.description !== undefined && out.description !== null && out.description.length > 5000)
    errors.push({ field: 'description', message: 'must be at most 5000 characters' });
  if (out.dueDate !== undefined && out.dueDate !== null && !isDay(out.dueDate))
    errors.push({ field: 'dueDate', message: 'must be a date, YYYY-MM-DD' });
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}

/**
 * A due date a person sets must not have passed (UTC): Stripe refuses a `due_date` in the past
 * ("must be an integer Unix timestamp in the future", https://docs.stripe.com/api/invoices/create#create_invoice-due_date),
 * so the invoice could never reach it. Provider records keep theirs: an imported paid invoice was due long ago.
 */
export function checkDueDateAhead(dueDate: unknown, today = new Date().toISOString().slice(0, 10)): void {
  if (typeof dueDate !== 'string' || !isDay(dueDate)) return; // normalize() names a malformed one
  if (dueDate < today)
    throw new ValidationError([{ field: 'dueDate', message: `must be today (${today}, UTC) or later` }]);
}
