/**
 * How JSON request values become stored field values for the typed fields (currency, date), the way the
 * REST API's deserializer and DML treat them:
 * - A value the deserializer cannot read as the field's type (`"abc"` for a currency, `"31/01/2026"` or
 *   `"2026-02-30"` for a date, a number for a date) fails the whole request with 400 JSON_PARSER_ERROR
 *   "Cannot deserialize instance of <type> from VALUE_STRING value ..."
 *   (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 * - Numeric strings are accepted for currency (`"12.50"`), as Salesforce's JSON reader coerces them.
 * - A currency with more decimals than its scale is rounded half up (away from zero), as Salesforce stores
 *   it; more integer digits than precision - scale is NUMBER_OUTSIDE_VALID_RANGE (checked in store.ts).
 */
import { ApiError } from './errors.js';
import type { FieldDef } from './schema.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function cannotDeserialize(f: FieldDef, raw: unknown): ApiError {
  const token = typeof raw === 'string' ? 'VALUE_STRING' : typeof raw === 'boolean' ? 'VALUE_TRUE' : 'VALUE_NUMBER_INT';
  return new ApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${f.type} from ${token} value ${String(raw)} or request may be missing a required field`,
  );
}

/** `YYYY-MM-DD` naming a real calendar day, or undefined. */
export function parseIsoDate(text: string): string | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return text;
}

/** Rounds half up (away from zero) to `scale` decimals on the decimal text, so 1.005 becomes 1.01, not 1. */
export function roundHalfUp(n: number, scale: number): number {
  const text = String(Math.abs(n));
  if (/e/i.test(text)) return Number(n.toFixed(Math.min(scale, 100)));
  const [int = '0', frac = ''] = text.split('.');
  if (frac.length <= scale) return n;
  let digits = BigInt(int + frac.slice(0, scale));
  if (frac.charCodeAt(scale) >= 53 /* '5' */) digits += 1n;
  const padded = digits.toString().padStart(scale + 1, '0');
  const rounded = Number(`${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`);
  return n < 0 ? -rounded : rounded;
}

/** Digits before the decimal point (0.5 has none), for the precision check. */
export function integerDigits(n: number): number {
  // From the digits, not Math.log10: log10(99999999999999.98) rounds to 14 and would count 15 digits.
  const abs = Math.abs(n);
  if (abs < 1) return 0;
  return abs >= 1e21 ? Math.floor(Math.log10(abs)) + 1 : BigInt(Math.trunc(abs)).toString().length;
}

/** A non-null JSON scalar for a currency or date field, as stored; other field types keep their text. */
export function coerceValue(f: FieldDef, raw: string | number | boolean): string | number {
  switch (f.type) {
    case 'currency': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw cannotDeserialize(f, raw);
      return roundHalfUp(n, f.scale ?? 0);
    }
    case 'date': {
      const date = typeof raw === 'string' ? parseIsoDate(raw) : undefined;
      if (!date) throw cannotDeserialize(f, raw);
      return date;
    }
    default:
      return String(raw);
  }
}
