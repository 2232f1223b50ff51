import Stripe from 'stripe';
import { STRIPE_KEY_PREFIX } from '../../src/providers/stripe/api.js';
import { toProviderError } from '../../src/providers/stripe/errors.js';
import { fromStripeCustomer, toStripeCustomerParams } from '../../src/providers/stripe/mappers.js';
import { parseStripeEvent } from '../../src/providers/stripe/webhook.js';

const customer = (over: Partial<Stripe.Customer> = {}) =>
  ({
    id: 'cus_1',
    object: 'customer',
    name: 'Ada',
    email: 'ada@example.com',
    metadata: {},
    ...over,
  }) as Stripe.Customer;

describe('Stripe mappers', () => {
  it('maps our customer to create/update params with our id in metadata', () => {
    expect(
      toStripeCustomerParams({ id: 'u1', name: 'Ada', email: 'ada@example.com', version: 3, deleted: false }),
    ).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      metadata: { internal_id: 'u1' },
    });
  });

  it('maps Stripe customers, deleted ones and missing fields', () => {
    expect(fromStripeCustomer(customer({ metadata: { internal_id: 'u1' } }))).toEqual({
      externalId: 'cus_1',
      internalId: 'u1',
      deleted: false,
      values: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(fromStripeCustomer(customer({ name: null, email: null }))).toMatchObject({
      values: { name: null, email: null },
      internalId: null,
    });
    expect(fromStripeCustomer({ id: 'cus_2', object: 'customer', deleted: true })).toEqual({
      externalId: 'cus_2',
      internalId: null,
      deleted: true,
      values: {},
    });
  });
});

describe('Stripe events', () => {
  const event = (over: Record<string, unknown> = {}) => ({
    id: 'evt_1',
    type: 'customer.updated',
    data: { object: { id: 'cus_1', object: 'customer' } },
    request: { id: 'req_1', idempotency_key: null },
    ...over,
  });

  it('turns customer events into changes and flags our own writes as echoes', () => {
    expect(parseStripeEvent(event(), STRIPE_KEY_PREFIX)).toMatchObject([
      { eventId: 'evt_1', entityType: 'CUSTOMER', externalId: 'cus_1', markedOurs: false },
    ]);
    const withData = event({
      data: { object: { id: 'cus_1', object: 'customer', name: 'Ada', email: 'a@b.co', metadata: {} } },
    });
    expect(parseStripeEvent(withData, STRIPE_KEY_PREFIX)[0]?.announced).toEqual({
      externalId: 'cus_1',
      internalId: null,
      deleted: false,
      values: { name: 'Ada', email: 'a@b.co' },
    });
    // A deleted customer keeps naming our record: the event's object still has its metadata.
    const deleted = event({
      type: 'customer.deleted',
      data: { object: { id: 'cus_1', object: 'customer', deleted: true, metadata: { internal_id: 'ours' } } },
    });
    expect(parseStripeEvent(deleted, STRIPE_KEY_PREFIX)[0]?.announced).toEqual({
      externalId: 'cus_1',
      internalId: 'ours',
      deleted: true,
      values: {},
    });
    expect(
      parseStripeEvent(event({ request: { idempotency_key: `${STRIPE_KEY_PREFIX}abc:update` } }), STRIPE_KEY_PREFIX)[0]
        ?.markedOurs,
    ).toBe(true);
    // stripe-node adds its own keys to every POST; those are not ours.
    expect(
      parseStripeEvent(event({ request: { idempotency_key: 'stripe-node-retry-1' } }), STRIPE_KEY_PREFIX)[0]
        ?.markedOurs,
    ).toBe(false);
  });

  it('ignores other event types and malformed input', () => {
    expect(parseStripeEvent(event({ type: 'charge.succeeded' }), STRIPE_KEY_PREFIX)).toEqual([]);
    // An event whose object is not the kind its type names.
    expect(parseStripeEvent(event({ type: 'invoice.paid' }), STRIPE_KEY_PREFIX)).toEqual([]);
    expect(parseStripeEvent({ id: 'evt_x' }, STRIPE_KEY_PREFIX)).toEqual([]);
    expect(parseStripeEvent(null, STRIPE_KEY_PREFIX)).toEqual([]);
  });
});

describe('Stripe errors', () => {
  it('classifies rate limits, server errors and connection failures as retryable, the rest not', () => {
    const rate = toProviderError(
      new Stripe.errors.StripeRateLimitError({
        message: 'slow down',
        type: 'rate_limit_error',
        statusCode: 429,
        headers: { 'retry-after': '2' },
      } as never),
      'create',
    );
    expect(rate).toMatchObject({ retryable: true, status: 429, retryAfterMs: 2000, code: 'PROVIDER_UNAVAILABLE' });
    expect(rate.message).toBe('Stripe create failed: slow down');
    expect(
      toProviderError(
        new Stripe.errors.StripeAPIError({ message: 'x', type: 'api_error', statusCode: 500 } as never),
        'u',
      ).retryable,
    ).toBe(true);
    expect(
      toProviderError(
        new Stripe.errors.StripeConnectionError({ message: 'x', type: 'api_connection_error' } as never),
        'u',
      ).retryable,
    ).toBe(true);
    const invalid = toProviderError(
      new Stripe.errors.StripeInvalidRequestError({
        message: 'bad',
        type: 'invalid_request_error',
        statusCode: 400,
        code: 'email_invalid',
      } as never),
      'u',
    );
    expect(invalid).toMatchObject({
      retryable: false,
      status: 400,
      providerCode: 'email_invalid',
      code: 'PROVIDER_ERROR',
    });
  });
});
