import { invalidRequest } from './errors.js';
import type { FormObject } from './form.js';
import { type MetadataInput, readMetadata } from './metadata.js';
import { allowOnly, readString } from './params.js';

// Validation of the customer create/update parameters we support. Stripe rejects unknown parameters
// (`parameter_unknown`) rather than ignoring them, which catches typos in the connector early.

export const CUSTOMER_TEXT_FIELDS = ['name', 'email', 'description', 'phone'] as const;
export type CustomerTextField = (typeof CUSTOMER_TEXT_FIELDS)[number];

// Stripe checks that emails look like emails (code `email_invalid`); this keeps the check deliberately loose.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CustomerInput {
  /** `null` unsets the field, which is what posting an empty string does on Stripe. */
  fields: Partial<Record<CustomerTextField, string | null>>;
  metadata?: MetadataInput;
}

const ALLOWED = [...CUSTOMER_TEXT_FIELDS, 'metadata', 'expand'];

export function readCustomerInput(params: FormObject): CustomerInput {
  allowOnly(params, ALLOWED);

  const fields: CustomerInput['fields'] = {};
  for (const field of CUSTOMER_TEXT_FIELDS) {
    const value = readString(params, field);
    if (value === undefined) continue;
    if (field === 'email' && value !== null && !EMAIL_PATTERN.test(value)) {
      throw invalidRequest(`Invalid email address: ${value}`, 'email', 'email_invalid');
    }
    fields[field] = value;
  }

  const metadata = readMetadata(params.metadata);
  return { fields, ...(metadata && { metadata }) };
}
