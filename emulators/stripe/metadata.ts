import { invalidRequest } from './errors.js';
import type { FormValue } from './form.js';
import { describe } from './params.js';
import type { Metadata } from './types.js';

// Stripe's metadata rules, the same on every object that has metadata
// (https://docs.stripe.com/api/metadata): updates merge key by key, `metadata[key]=` deletes a key, `metadata=`
// drops them all, and there are limits on keys and lengths.

/** Stripe's documented metadata limits. */
const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

export interface MetadataInput {
  /** `metadata=` (empty) drops every key. */
  clearAll: boolean;
  /** `null` deletes the key (`metadata[key]=`). */
  set: Record<string, string | null>;
}

/** The `metadata` parameter, or undefined when it was not sent. */
export function readMetadata(metadata: FormValue | undefined): MetadataInput | undefined {
  if (metadata === undefined) return undefined;
  if (metadata === '') return { clearAll: true, set: Object.create(null) as Record<string, string | null> };
  if (typeof metadata === 'string') throw invalidRequest('Invalid object', 'metadata');
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
  return { clearAll: false, set };
}

/** The metadata after applying `input` to `before` (a new object; `before` is left alone). */
export function applyMetadata(before: Metadata, input: MetadataInput | undefined): Metadata {
  const after = input?.clearAll ? emptyMetadata() : Object.assign(emptyMetadata(), before);
  for (const [key, value] of Object.entries(input?.set ?? {})) {
    if (value === null) delete after[key];
    else after[key] = value;
  }
  if (Object.keys(after).length > METADATA_MAX_KEYS) {
    throw invalidRequest(`Metadata can have up to ${METADATA_MAX_KEYS} keys.`, 'metadata');
  }
  return after;
}

// Metadata keys come straight from clients; prototype-less objects keep a key like `__proto__` ordinary data.
export function emptyMetadata(): Metadata {
  return Object.create(null) as Metadata;
}
