import { invalidRequest, unknownParameter } from './errors.js';
import { asStringArray, type FormObject } from './form.js';

// Validation of the customer create/update parameters we support. Stripe rejects unknown parameters
// (`parameter_unknown`) rather than ignoring them, which catches typos in the connector early.

export const CUSTOMER_TEXT_FIELDS = ['name', 'email', 'description', 'phone'] as const;
export type CustomerTextField = (typeof CUSTOMER_TEXT_FIELDS)[number];

/** Stripe's documented metadata limits. */
export const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

// Stripe checks that emails look like emails (code `email_invalid`); this keeps the check deliberately loose.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CustomerInput {
  /** `null` unsets the field, which is what posting an empty string does on Stripe. */
  fields: Partial<Record<CustomerTextField, string | null>>;
  metadata?: {
    /** `metadata=` (empty) drops every key. */
    clearAll: boolean;
    /** `null` deletes the key (`metadata[key]=`). */
    set: Record<string, string | null>;
  };
}

const ALLOWED = new Set<string>([...CUSTOMER_TEXT_FIELDS, 'metadata', 'expand']);

export function readCustomerInput(params: FormObject): CustomerInput {
  for (const key of Object.keys(params)) if (!ALLOWED.has(key)) throw unknownParameter(key);
  // Nothing on a customer is expandable here, but clients commonly send `expand[]`, so accept and ignore it.
  asStringArray(params.expand, 'expand');

  const fields: CustomerInput['fields'] = {};
  for (const field of CUSTOMER_TEXT_FIELDS) {
    const value = params[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${describe(value)}`, field);
    if (field === 'email' && value !== '' && !EMAIL_PATTERN.test(value)) {
      throw invalidRequest(`Invalid email address: ${value}`, 'email', 'email_invalid');
    }
    fields[field] = value === '' ? null : value;
  }

  const input: CustomerInput = { fields };
  const metadata = params.metadata;
  if (metadata === '') {
    input.metadata = { clearAll: true, set: Object.create(null) as Record<string, string | null> };
  } else if (typeof metadata === 'string') {
    throw invalidRequest('Invalid object', 'metadata');
  } else if (metadata !== undefined) {
    const set = Object.create(null) as Record<string, string | null>;
    for (const key of Object.keys(metadata)) {
      const value = metadata[key];
      const param = `metadata[${key}]`;
      if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${describe(value)}`, param);
      if (key.length > METADATA_MAX_KEY_LENGTH) {
        throw invalidRequest(
          `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters, but you passed in a key that is ${key.length} characters: ${key}`,
          param,
        );
      }
      if (value.length > METADATA_MAX_VALUE_LENGTH) {
        throw invalidRequest(
          `Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters, but you passed in a value that is ${value.length} characters.`,
          param,
        );
      }
      set[key] = value === '' ? null : value;
    }
    input.metadata = { clearAll: false, set };
  }
  return input;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
