import type { RawValues } from '../../core/catalog.js';
import { ValidationError, type FieldError } from '../../core/errors.js';
import { textProblem } from '../../core/text.js';

export type CustomerFields = { name: string; email: string };

// Deliberately simple: one @, no spaces, a dot in the domain. Providers apply their own stricter rules and
// report them as sync errors; this only stops input that can never be an address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Canonical form of the fields that are present: runs of whitespace in names become one space (Salesforce splits
 * names on it and joins them back with one), emails are lower-cased (so our writes and the providers' echoes of
 * them compare equal). A missing value (null) becomes ''.
 */
export function canonicalCustomer(input: RawValues<CustomerFields>): Partial<CustomerFields> {
  const out: Partial<CustomerFields> = {};
  if (input.name !== undefined)
    out.name = String(input.name ?? '')
      .trim()
      .replace(/\s+/g, ' ');
  if (input.email !== undefined)
    out.email = String(input.email ?? '')
      .trim()
      .toLowerCase();
  return out;
}

/** Canonical form, then checked; throws one ValidationError naming every bad field. */
export function normalizeCustomerFields(input: RawValues<CustomerFields>): Partial<CustomerFields> {
  const out = canonicalCustomer(input);
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(out)) {
    const problem = textProblem(field, value);
    if (problem) errors.push(problem);
  }
  if (errors.length > 0) throw new ValidationError(errors);
  if (out.name !== undefined) {
    if (out.name.length === 0) errors.push({ field: 'name', message: 'must not be empty' });
    else if (out.name.length > 200) errors.push({ field: 'name', message: 'must be at most 200 characters' });
  }
  if (out.email !== undefined) {
    if (out.email.length > 320) errors.push({ field: 'email', message: 'must be at most 320 characters' });
    else if (!EMAIL.test(out.email)) errors.push({ field: 'email', message: 'must be a valid email address' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}
