import { invalidRequest, missingParameter, unknownParameter } from './errors.js';
import { asStringArray, type FormObject } from './form.js';

// Readers for the scalar parameters of Stripe's form bodies, with Stripe's wording for malformed values. Every
// endpoint first calls `allowOnly`: Stripe rejects unknown parameters (`parameter_unknown`) rather than ignoring
// them, which catches typos in the connector early.

export function allowOnly(params: FormObject, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) if (!allowed.includes(key)) throw unknownParameter(key);
  // Nothing is expandable here, but clients commonly send `expand[]`, so accept and ignore it.
  asStringArray(params.expand, 'expand');
}

/** `''` is `null`: posting an empty string unsets a field on Stripe. */
export function readString(params: FormObject, name: string): string | null | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${describe(value)}`, name);
  return value === '' ? null : value;
}

export function readRequiredString(params: FormObject, name: string): string {
  const value = readString(params, name);
  if (value === undefined || value === null) throw missingParameter(name);
  return value;
}

export function readInteger(params: FormObject, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${describe(value)}`, name, 'parameter_invalid_integer');
  }
  return Number(value);
}

export function readBoolean(params: FormObject, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${describe(value)}`, name);
  return value === 'true';
}

/** One of a fixed set of values, refused in Stripe's words: "Invalid status: must be one of draft, open, or paid". */
export function readEnum<T extends string>(params: FormObject, name: string, choices: readonly T[]): T | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    const listed =
      choices.length === 2 ? choices.join(' or ') : `${choices.slice(0, -1).join(', ')}, or ${choices.at(-1)}`;
    throw invalidRequest(`Invalid ${name}: must be one of ${listed}`, name);
  }
  return value as T;
}

/** Three-letter ISO code; Stripe answers currencies in lower case whatever case they were sent in. */
export function readCurrency(params: FormObject, name = 'currency'): string | undefined {
  const value = readString(params, name);
  if (value === undefined) return undefined;
  if (value === null || !/^[A-Za-z]{3}$/.test(value)) throw invalidRequest(`Invalid currency: ${value ?? ''}`, name);
  return value.toLowerCase();
}

export function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
