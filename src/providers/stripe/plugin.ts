import { CUSTOMER } from '../../catalogs/customer/definition.js';
import { INVOICE } from '../../catalogs/invoice/definition.js';
import type { ProviderPlugin } from '../../core/provider.js';
import { RateLimiter } from '../../platform/rate-limiter.js';
import { STRIPE_KEY_PREFIX, StripeApi } from './api.js';
import { createStripeClient } from './client.js';
import { stripeConfigShape, stripeDashboard, stripeRateLimit } from './config.js';
import { StripeCustomerAdapter } from './customer-adapter.js';
import { StripeInvoiceAdapter } from './invoice-adapter.js';
import { STRIPE } from './errors.js';
import { parseStripeEvent } from './webhook.js';
import { stripeWebhookRoute } from './webhook-route.js';

/**
 * Stripe: customers <-> Stripe Customers and invoices <-> Stripe Invoices with the official client; changes come back through signed webhooks
 * (`POST /webhooks/stripe`). Needs STRIPE_SECRET_KEY; the webhook needs STRIPE_WEBHOOK_SECRET.
 */
export const stripePlugin: ProviderPlugin<typeof stripeConfigShape> = {
  id: STRIPE,
  entityTypes: [CUSTOMER, INVOICE],
  configShape: stripeConfigShape,
  create(config, { logger, metrics }) {
    if (!config.STRIPE_SECRET_KEY) {
      logger.warn('STRIPE is in SYNC_PROVIDERS but STRIPE_SECRET_KEY is not set: Stripe sync states stay PENDING');
      return undefined;
    }
    const stripe = createStripeClient({
      secretKey: config.STRIPE_SECRET_KEY,
      apiBase: config.STRIPE_API_BASE,
      timeoutMs: config.STRIPE_TIMEOUT_MS,
    });
    const rateLimit = new RateLimiter(stripeRateLimit(config));
    const api = new StripeApi(stripe, rateLimit, metrics, stripeDashboard(config));
    const secret = config.STRIPE_WEBHOOK_SECRET;
    if (!secret) logger.warn('STRIPE_WEBHOOK_SECRET is not set: /webhooks/stripe is disabled');
    return {
      id: STRIPE,
      adapters: [new StripeCustomerAdapter(api), new StripeInvoiceAdapter(api)],
      rateLimit,
      parseInbound: (message) => parseStripeEvent(message, STRIPE_KEY_PREFIX),
      idempotencyKey: (eventId, operation) => `${STRIPE_KEY_PREFIX}${eventId}:${operation}`,
      webhook: secret ? (queue) => stripeWebhookRoute({ stripe, secret, queue, logger, metrics }) : undefined,
      health: () => ({ webhook: !!secret, apiUsage: null }),
    };
  },
};
