import { invalidRequest } from './errors.js';
import { asStringArray, type FormValue } from './form.js';

/** `created=<ts>` or `created[gt|gte|lt|lte]=<ts>`, as on every Stripe list endpoint. */
export function createdFilter(value: FormValue | undefined): ((created: number) => boolean) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const exact = toTimestamp(value, 'created');
    return (created) => created === exact;
  }
  const checks: Array<(created: number) => boolean> = [];
  for (const op of Object.keys(value)) {
    const raw = value[op];
    const param = `created[${op}]`;
    if (typeof raw !== 'string') throw invalidRequest(`Invalid integer: ${JSON.stringify(raw)}`, param);
    const bound = toTimestamp(raw, param);
    switch (op) {
      case 'gt':
        checks.push((created) => created > bound);
        break;
      case 'gte':
        checks.push((created) => created >= bound);
        break;
      case 'lt':
        checks.push((created) => created < bound);
        break;
      case 'lte':
        checks.push((created) => created <= bound);
        break;
      default:
        throw invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
    }
  }
  return (created) => checks.every((check) => check(created));
}

function toTimestamp(raw: string, param: string): number {
  if (!/^\d+$/.test(raw)) throw invalidRequest(`Invalid integer: ${raw}`, param, 'parameter_invalid_integer');
  return Number(raw);
}

/** Event `type` (one value) or `types[]` (several); both accept a `*` wildcard such as `customer.*`. */
export function eventTypeFilter(
  type: FormValue | undefined,
  types: FormValue | undefined,
): ((eventType: string) => boolean) | undefined {
  if (type !== undefined && types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', 'types');
  }
  if (type !== undefined && typeof type !== 'string') throw invalidRequest('Invalid string', 'type');
  const patterns = type !== undefined ? [type] : asStringArray(types, 'types');
  if (patterns.length === 0) return undefined;
  const regexes = patterns.map(
    (pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  );
  return (eventType) => regexes.some((regex) => regex.test(eventType));
}

/** A list filter made of the checks its parameters asked for (undefined: not asked); no check keeps everything. */
export function allOf<T>(checks: Array<((value: T) => boolean) | undefined>): (value: T) => boolean {
  const asked = checks.filter((check) => check !== undefined);
  return (value) => asked.every((check) => check(value));
}
