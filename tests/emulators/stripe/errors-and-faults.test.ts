import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe/index.js';
import { expectEventually } from '../../support/eventually.js';
import { AUTH, rawRequest, stripeFor } from './helpers.js';

describe('Stripe emulator: authentication, errors and injected faults', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    stripe = stripeFor(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('rejects a wrong API key with 401 (StripeAuthenticationError)', async () => {
    const wrong = stripeFor(emulator, { apiKey: 'sk_test_wrong_key_123456' });

    const error = await wrong.customers.list().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, rawType: 'invalid_request_error' });
    expect((error as Error).message).toBe('Invalid API Key provided: sk_test_************3456');
  });

  it('rejects a request without credentials in Stripe error shape, with a Request-Id', async () => {
    const response = await rawRequest(emulator, 'GET', '/v1/customers');

    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: { type: 'invalid_request_error', message: expect.stringContaining('You did not provide an API key') },
    });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('accepts the key as Basic auth user name, as curl -u sends it', async () => {
    const basic = `Basic ${Buffer.from('sk_test_emulator:').toString('base64')}`;
    const response = await rawRequest(emulator, 'GET', '/v1/customers', { headers: { Authorization: basic } });
    expect(response.status).toBe(200);
  });

  it('answers unknown URLs with 404 invalid_request_error', async () => {
    const response = await rawRequest(emulator, 'GET', '/v1/subscriptions', { headers: AUTH });
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('surfaces an injected 429 as StripeRateLimitError when retries are off', async () => {
    emulator.injectFaults({ status: 429, count: 1 });

    const error = await stripe.customers.create({ name: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit', rawType: 'rate_limit_error' });
    expect(emulator.customers()).toEqual([]);
  });

  it('shows that stripe-node does not retry a plain 429, even with maxNetworkRetries', async () => {
    const retrying = stripeFor(emulator, { maxNetworkRetries: 2 });
    emulator.injectFaults({ status: 429, count: 1 });

    await expect(retrying.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(emulator.requestLog().map((e) => e.status)).toEqual([429]);
  });

  it('lets stripe-node retry a 429 marked Stripe-Should-Retry: true until it succeeds', async () => {
    const retrying = stripeFor(emulator, { maxNetworkRetries: 2 });
    emulator.injectFaults({ status: 429, count: 1, shouldRetry: true, code: 'lock_timeout' });

    const customer = await retrying.customers.create({ name: 'patient' });

    expect(customer.name).toBe('patient');
    expect(emulator.requestLog().map((e) => e.status)).toEqual([429, 200]);
    expect(emulator.customers()).toHaveLength(1);
  });

  it('lets stripe-node retry 5xx on its own', async () => {
    const retrying = stripeFor(emulator, { maxNetworkRetries: 1 });
    emulator.injectFaults({ status: 503, count: 1 });

    const page = await retrying.customers.list();

    expect(page.data).toEqual([]);
    expect(emulator.requestLog().map((e) => e.status)).toEqual([503, 200]);
  });

  it('surfaces 5xx as StripeAPIError when retries are exhausted', async () => {
    emulator.injectFaults({ status: 500, count: 1 });
    const error = await stripe.customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });
  });

  it('applies faults only to matching paths, and only `count` times', async () => {
    emulator.injectFaults({ status: 500, count: 2, path: '/v1/events' });

    await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
    await expect(stripe.events.list()).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.events.list()).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.events.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('delays calls with injected latency, enough to trip a client timeout', async () => {
    const impatient = stripeFor(emulator, { timeout: 100 });
    emulator.injectFaults({ latencyMs: 400, count: 1 });

    const error = await impatient.customers.list().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // The next call is not delayed; the slow one is still answered (late), which we wait for so it cannot leak
    // into the next test's request log.
    await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
    await expectEventually(() => emulator.requestLog().length === 2);
  });

  it('rejects invalid fault specs', () => {
    expect(() => emulator.injectFaults({ count: 0, status: 500 })).toThrow(/count/);
    expect(() => emulator.injectFaults({ count: 1 })).toThrow(/status and\/or latencyMs/);
    expect(() => emulator.injectFaults({ count: 1, status: 200 })).toThrow(/status/);
  });

  it('puts Request-Id and the Stripe-Version on every API response, errors included', async () => {
    const ok = await rawRequest(emulator, 'GET', '/v1/customers', {
      headers: { ...AUTH, 'Stripe-Version': '2024-06-20' },
    });
    const missing = await rawRequest(emulator, 'GET', '/v1/customers/cus_nope', {
      headers: { ...AUTH, 'Stripe-Version': '2024-06-20' },
    });

    for (const response of [ok, missing]) {
      expect(response.headers.get('request-id')).toMatch(/^req_/);
      expect(response.headers.get('stripe-version')).toBe('2024-06-20');
    }
    expect(missing.json).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: "No such customer: 'cus_nope'",
        param: 'id',
      },
    });
  });

  it('decodes hand-written form bodies with bracket notation', async () => {
    const response = await rawRequest(emulator, 'POST', '/v1/customers', {
      body: 'name=Grace+Hopper&metadata[internal_id]=99&metadata%5Bteam%5D=navy&expand[]=default_source',
      headers: AUTH,
    });

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ name: 'Grace Hopper', metadata: { internal_id: '99', team: 'navy' } });
  });
});
