import type { CombinedError } from 'urql';

/** What a failed operation means to a form or a page: the code, a sentence, and errors by input field. */
export interface Problem {
  code: string | null;
  message: string;
  /** From `extensions.fields` of BAD_USER_INPUT: field name -> message. */
  fields: Record<string, string>;
  /** From a CONFLICT on a stale expectedVersion: the version the record is at now. */
  currentVersion: number | null;
}

interface FieldErrorShape {
  field?: unknown;
  message?: unknown;
}

export function isUnauthenticated(error: CombinedError): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

export function problemOf(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (!first) {
    return {
      code: 'NETWORK',
      message: `The API could not be reached (${error.networkError?.message ?? 'network error'}).`,
      fields: {},
      currentVersion: null,
    };
  }
  const ext = first.extensions ?? {};
  const fields: Record<string, string> = {};
  for (const e of error.graphQLErrors) {
    const list = e.extensions?.fields;
    if (!Array.isArray(list)) continue;
    for (const f of list as FieldErrorShape[]) {
      if (typeof f.field === 'string' && typeof f.message === 'string' && !fields[f.field]) {
        fields[f.field] = f.message;
      }
    }
  }
  return {
    code: typeof ext.code === 'string' ? ext.code : null,
    message: first.message,
    fields,
    currentVersion: typeof ext.currentVersion === 'number' ? ext.currentVersion : null,
  };
}
