import type Stripe from 'stripe';
import { stripeRateLimit, type Config } from '../config.js';
import { Provider } from '../domain/enums.js';
import type { Logger } from '../logger.js';
import { RateLimiter } from '../sync/rate-limiter.js';
import type { Connector } from './connector.js';
import { createStripeClient } from './stripe/client.js';
import { StripeConnector } from './stripe/connector.js';

export interface Connectors {
  byProvider: Map<Provider, Connector>;
  stripe?: { client: Stripe; webhookSecret: string | undefined };
}

/** Builds a connector for every provider that is both enabled (SYNC_PROVIDERS) and configured (credentials). */
export function createConnectors(config: Config, logger: Logger): Connectors {
  const byProvider = new Map<Provider, Connector>();
  const out: Connectors = { byProvider };
  for (const provider of config.SYNC_PROVIDERS) {
    if (provider === Provider.STRIPE && config.STRIPE_SECRET_KEY) {
      const client = createStripeClient({ secretKey: config.STRIPE_SECRET_KEY, apiBase: config.STRIPE_API_BASE });
      byProvider.set(provider, new StripeConnector(client, new RateLimiter(stripeRateLimit(config))));
      out.stripe = { client, webhookSecret: config.STRIPE_WEBHOOK_SECRET };
    } else if (provider === Provider.STRIPE) {
      logger.warn('STRIPE is in SYNC_PROVIDERS but STRIPE_SECRET_KEY is not set: Stripe sync states stay PENDING');
    } else if (provider === Provider.SALESFORCE) {
      logger.warn('Salesforce sync is not available in this version: Salesforce sync states stay PENDING');
    }
  }
  return out;
}
