import { normalizeCustomerFields } from '../../src/catalogs/customer/validation.js';
import { ValidationError } from '../../src/core/errors.js';

describe('normalizeCustomerFields', () => {
  it('trims names and lower-cases emails', () => {
    expect(normalizeCustomerFields({ name: '  Ada ', email: ' Ada@Example.COM ' })).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
    });
  });

  it('collapses runs of whitespace in names', () => {
    expect(normalizeCustomerFields({ name: 'Marie\t Salomea   Curie' })).toEqual({ name: 'Marie Salomea Curie' });
  });

  it('checks only the fields given', () => {
    expect(normalizeCustomerFields({ email: 'x@y.io' })).toEqual({ email: 'x@y.io' });
  });

  it.each([
    [{ name: '' }, 'name', 'must not be empty'],
    [{ name: 'x'.repeat(201) }, 'name', 'must be at most 200 characters'],
    [{ email: 'a@b' }, 'email', 'must be a valid email address'],
    [{ email: 'a b@c.de' }, 'email', 'must be a valid email address'],
    [{ email: `${'a'.repeat(320)}@b.co` }, 'email', 'must be at most 320 characters'],
    [{ name: 'Ada\u0000' }, 'name', 'must not contain NUL characters'],
    [{ email: 'a\u0000@b.co' }, 'email', 'must not contain NUL characters'],
    [{ name: 'Ada \ud800' }, 'name', 'must be valid Unicode (it has a lone surrogate)'],
  ])('rejects %j', (input, field, message) => {
    try {
      normalizeCustomerFields(input);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields).toEqual([{ field, message }]);
      expect((e as ValidationError).code).toBe('BAD_USER_INPUT');
    }
  });
});
