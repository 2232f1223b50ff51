/**
 * Salesforce date-time handling. The REST API writes `2026-11-23T14:00:00.000+0000` (always UTC, explicit
 * millis, offset without a colon); SOAP (outbound messages) writes `...000Z`. Salesforce keeps date-times at
 * whole-second precision, so the millis are always 000: the emulator truncates the same way, which is what
 * makes `LastModifiedDate > :lastSeen` polling lose same-second writes in real life too.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoParts(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** REST/JSON form: `2026-11-23T14:00:00.000+0000`. */
export function formatRestDateTime(ms: number): string {
  return `${isoParts(ms)}+0000`;
}

/** SOAP/xsd:dateTime form: `2026-11-23T14:00:00.000Z`. */
export function formatSoapDateTime(ms: number): string {
  return `${isoParts(ms)}Z`;
}

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses the ISO 8601 date-times Salesforce accepts (`Z`, `+00:00` or `+0000` offsets, optional fraction).
 * Returns epoch millis, or undefined when malformed.
 */
export function parseDateTime(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(utc)) return undefined;
  return utc - offsetMin * 60_000;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A SOQL date literal (`2026-11-23`) as the UTC midnight it starts at. */
export function parseDateOnly(text: string): number | undefined {
  const m = DATE_ONLY.exec(text);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}
