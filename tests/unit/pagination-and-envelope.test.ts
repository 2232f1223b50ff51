import { parseEnvelope, newEnvelope } from '../../src/core/envelope.js';
import { decodeCursor, encodeCursor, pageSize } from '../../src/platform/graphql/pagination.js';

describe('cursors', () => {
  it('round-trips', () => {
    const key = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0b4f2c1e-5a8d-4c3b-9e7f-1a2b3c4d5e6f' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });
  it('rejects garbage with BAD_USER_INPUT', () => {
    expect(() => decodeCursor('%%%')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => decodeCursor(Buffer.from('[1]').toString('base64url'))).toThrow('after: is not a valid cursor');
  });
  it('rejects cursors we could not have made: an id that is not a UUID, a date PostgreSQL cannot hold', () => {
    const cursor = (date: string, id: string) => Buffer.from(JSON.stringify([date, id])).toString('base64url');
    const id = '0b4f2c1e-5a8d-4c3b-9e7f-1a2b3c4d5e6f';
    expect(() => decodeCursor(cursor('2026-01-01T00:00:00Z', 'not-a-uuid'))).toThrow('after: is not a valid cursor');
    expect(() => decodeCursor(cursor('+275760-09-13T00:00:00Z', id))).toThrow('after: is not a valid cursor');
    expect(() => decodeCursor(cursor('-000001-01-01T00:00:00Z', id))).toThrow('after: is not a valid cursor');
  });
  it('bounds page sizes', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(0)).toThrow('first: must be between 1 and 100');
    expect(() => pageSize(101)).toThrow('first: must be between 1 and 100');
  });
});

describe('event envelopes', () => {
  it('carry id, type, entity key and createdAt', () => {
    const e = newEnvelope({
      type: 'customer.created',
      entityType: 'CUSTOMER',
      entityId: 'c1',
      origin: 'LOCAL',
      payload: { a: 1 },
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseEnvelope(JSON.stringify(e))).toEqual(e);
  });
  it('reject malformed messages instead of throwing', () => {
    expect(parseEnvelope('not json')).toBeUndefined();
    expect(parseEnvelope(JSON.stringify({ id: 'x' }))).toBeUndefined();
    expect(parseEnvelope(null)).toBeUndefined();
  });
});
