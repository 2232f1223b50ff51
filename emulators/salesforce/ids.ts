/**
 * Salesforce record ids: 15 case-sensitive base-62 characters (3-char key prefix naming the sObject type),
 * plus a 3-character suffix that makes the 18-char form safe for case-insensitive systems.
 * Salesforce accepts either form and always returns the 18-char one; so does the emulator.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID15 = /^[a-zA-Z0-9]{15}$/;
const ID18 = /^[a-zA-Z0-9]{15}[A-Z0-5]{3}$/i;

/** The case-insensitivity suffix: one character per 5-char chunk, a bitmap of which chars are upper case. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** Returns the canonical 18-char id, or undefined when `id` is not a well-formed Salesforce id. */
export function normalizeId(id: string): string | undefined {
  if (ID15.test(id)) return id + idSuffix(id);
  if (ID18.test(id)) {
    const id15 = id.slice(0, 15);
    const canonical = id15 + idSuffix(id15);
    return canonical.toUpperCase() === id.toUpperCase() ? canonical : undefined;
  }
  return undefined;
}

/**
 * Mints ids shaped like real ones: key prefix + 2-char pod + '0' + 9-char base-62 counter.
 * The counter survives reset() so an id from before a reset never comes back as a different record.
 */
export class IdMinter {
  private counter = 0;

  /** How many ids it has minted: a restored org continues from there, so no id is ever minted twice. */
  get issued(): number {
    return this.counter;
  }

  continueFrom(issued: number): void {
    this.counter = Math.max(this.counter, issued);
  }

  next(keyPrefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let digits = '';
    for (let i = 0; i < 9; i++) {
      digits = BASE62.charAt(n % 62) + digits;
      n = Math.floor(n / 62);
    }
    const id15 = `${keyPrefix}8a0${digits}`;
    return id15 + idSuffix(id15);
  }
}
