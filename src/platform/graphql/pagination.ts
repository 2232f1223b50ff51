import { ValidationError } from '../../core/errors.js';
import { UUID } from '../../core/text.js';

// Timestamps PostgreSQL (and JavaScript dates) can both hold: a cursor outside them is not one we made.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

/** Opaque Relay cursors over (createdAt, id): stable under inserts, unlike offsets. */
export interface CursorKey {
  createdAt: Date;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.createdAt.toISOString(), key.id])).toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): CursorKey {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    const date = new Date(String(createdAt));
    const time = date.getTime();
    if (typeof id !== 'string' || !UUID.test(id) || !(time >= EARLIEST && time <= LATEST))
      throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw new ValidationError([{ field, message: 'is not a valid cursor' }]);
  }
}

export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | undefined | null, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new ValidationError([{ field: 'first', message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  return n;
}
