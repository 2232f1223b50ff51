/**
 * Currencies without minor units, as Stripe counts them (https://docs.stripe.com/currencies#zero-decimal); the
 * same list as src/catalogs/invoice/currencies.ts. An amount of 500 JPY is 500 in amountCents.
 */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '));

export const minorUnits = (currency: string) => (ZERO_DECIMAL.has(currency.toUpperCase()) ? 1 : 100);

export function formatMoney(amountCents: number, currency: string): string {
  const units = minorUnits(currency);
  const digits = units === 1 ? 0 : 2;
  const major = amountCents / units;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** "1234.5" in EUR -> 123450; JPY "500" -> 500; null when it is not an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const clean = text.replace(/[\s,_]/g, '');
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  return Math.round(Number(clean) * minorUnits(currency));
}

/** The amount as typed in the form: 123450 EUR -> "1234.50". */
export function moneyInput(amountCents: number, currency: string): string {
  const units = minorUnits(currency);
  return units === 1 ? String(amountCents) : (amountCents / units).toFixed(2);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** A UUID's first block, for tables where the whole id would be noise (the title carries the whole id). */
export const shortId = (id: string) => id.split('-')[0] ?? id;
