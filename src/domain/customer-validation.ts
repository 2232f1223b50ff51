import { ValidationError, type FieldError } from '../errors.js';

// Deliberately simple: one @, no spaces, a dot in the domain. Providers apply their own stricter rules and
// report them as sync errors; this only stops input that can never be an address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CustomerFields {
  name: string;
  email: string;
}

/** Trims and checks the fields that are present; throws one ValidationError naming every bad field. */
export function normalizeCustomerFields<T extends Partial<CustomerFields>>(input: T): T {
  const errors: FieldError[] = [];
  const out: Partial<CustomerFields> = {};
  if (input.name !== undefined) {
    // Runs of whitespace become one space: Salesforce splits names on it and joins them back with one.
    const name = String(input.name).trim().replace(/\s+/g, ' ');
    if (name.length === 0) errors.push({ field: 'name', message: 'must not be empty' });
    else if (name.length > 200) errors.push({ field: 'name', message: 'must be at most 200 characters' });
    out.name = name;
  }
  if (input.email !== undefined) {
    // Lower-cased so that our writes and the providers' echoes of them compare equal.
    const email = String(input.email).trim().toLowerCase();
    if (email.length > 320) errors.push({ field: 'email', message: 'must be at most 320 characters' });
    else if (!EMAIL.test(email)) errors.push({ field: 'email', message: 'must be a valid email address' });
    out.email = email;
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { ...input, ...out };
}
