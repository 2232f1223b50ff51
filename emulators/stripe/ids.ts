import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random Stripe-looking id such as `cus_NffrFeUfNV2Hib`. Ids are random rather than sequential so code under test
 * cannot come to rely on their order or guess them.
 */
export function randomId(prefix: string, length = 14): string {
  let suffix = '';
  for (const byte of randomBytes(length)) suffix += ALPHABET.charAt(byte % ALPHABET.length);
  return `${prefix}_${suffix}`;
}

/** Customers get a random 8-character uppercase invoice prefix, as on Stripe. */
export function randomInvoicePrefix(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

export function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000);
}
