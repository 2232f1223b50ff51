import type { FieldError } from './errors.js';

/**
 * Text PostgreSQL cannot store or that is not valid Unicode: a NUL character (text columns refuse it) or a lone
 * UTF-16 surrogate (not well-formed; encoding it for the database would replace it silently). Returns the
 * problem for `field`, or undefined when the text is fine.
 */
export function textProblem(field: string, value: string): FieldError | undefined {
  if (value.includes('\u0000')) return { field, message: 'must not contain NUL characters' };
  if (!value.isWellFormed()) return { field, message: 'must be valid Unicode (it has a lone surrogate)' };
  return undefined;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
