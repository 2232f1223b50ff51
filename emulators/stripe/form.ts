import { invalidRequest } from './errors.js';

// Stripe's v1 API takes `application/x-www-form-urlencoded` bodies (and query strings) with bracket notation for
// nesting: `metadata[internal_id]=42`, `expand[0]=data.customer`, `expand[]=x`. This decodes them into a tree.
//
// Arrays stay objects keyed by index ('0', '1', ...): only the endpoint knows whether `metadata[0]` is a metadata
// key or an array element, so `asStringArray` converts where an array is expected. Containers have no prototype,
// so keys such as `__proto__` are plain data.

export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function newObject(): FormObject {
  return Object.create(null) as FormObject;
}

function splitKey(rawKey: string): string[] {
  const match = KEY_PATTERN.exec(rawKey);
  if (!match) return [rawKey];
  const [, head = rawKey, brackets = ''] = match;
  const segments = [head];
  for (const part of brackets.matchAll(/\[([^[\]]*)\]/g)) segments.push(part[1] ?? '');
  return segments;
}

export function parseForm(encoded: string): FormObject {
  const root = newObject();
  for (const [rawKey, value] of new URLSearchParams(encoded)) {
    const segments = splitKey(rawKey);
    let container = root;
    for (let i = 0; i < segments.length; i += 1) {
      let segment = segments[i] ?? '';
      // `a[]=x` appends: give it the next free index.
      if (segment === '' && i > 0) segment = String(Object.keys(container).length);
      const isLast = i === segments.length - 1;
      if (isLast) {
        if (typeof container[segment] === 'object') {
          throw invalidRequest(`Invalid value for ${rawKey}: it is both a hash and a scalar.`, rawKey);
        }
        container[segment] = value;
        break;
      }
      const existing = container[segment];
      if (typeof existing === 'string') {
        throw invalidRequest(`Invalid value for ${rawKey}: it is both a hash and a scalar.`, rawKey);
      }
      const next = existing ?? newObject();
      container[segment] = next;
      container = next;
    }
  }
  return root;
}

/** Accepts `x=a` (one value), `x[0]=a&x[1]=b` or `x[]=a`, the shapes clients send for arrays. */
export function asStringArray(value: FormValue | undefined, param: string): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value === 'string') return [value];
  return Object.keys(value)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => {
      const item = value[key];
      if (typeof item !== 'string' || !/^\d+$/.test(key)) throw invalidRequest(`Invalid array`, param);
      return item;
    });
}

/** Canonical text of a decoded request, used to tell whether an idempotent retry carries the same parameters. */
export function canonicalJson(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? '')}`).join(',')}}`;
}
