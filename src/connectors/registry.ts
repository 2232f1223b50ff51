import type { Connection } from 'jsforce';
import type Stripe from 'stripe';
import { stripeRateLimit, type Config } from '../config.js';
import { Provider } from '../domain/enums.js';
import type { Logger } from '../logger.js';
import { RateLimiter } from '../sync/rate-limiter.js';
import type { Connector } from './connector.js';
import { createStripeClient } from './stripe/client.js';
import { StripeConnector } from './stripe/connector.js';
import { createSalesforceConnection } from './salesforce/client.js';
import { SalesforceConnector } from './salesforce/connector.js';

export interface Connectors {
  byProvider: Map<Provider, Connector>;
  stripe?: { client: Stripe; webhookSecret: string | undefined };
  salesforce?: { conn: Connection; ready: () => Promise<void>; orgId: string | undefined };
}

/** Builds a connector for every provider that is both enabled (SYNC_PROVIDERS) and configured (credentials). */
export function createConnectors(config: Config, logger: Logger): Connectors {
  const byProvider = new Map<Provider, Connector>();
  const out: Connectors = { byProvider };
  for (const provider of config.SYNC_PROVIDERS) {
    if (provider === Provider.STRIPE && config.STRIPE_SECRET_KEY) {
      const client = createStripeClient({
        secretKey: config.STRIPE_SECRET_KEY,
        apiBase: config.STRIPE_API_BASE,
        timeoutMs: config.STRIPE_TIMEOUT_MS,
      });
      byProvider.set(provider, new StripeConnector(client, new RateLimiter(stripeRateLimit(config))));
      out.stripe = { client, webhookSecret: config.STRIPE_WEBHOOK_SECRET };
    } else if (provider === Provider.STRIPE) {
      logger.warn('STRIPE is in SYNC_PROVIDERS but STRIPE_SECRET_KEY is not set: Stripe sync states stay PENDING');
    } else if (provider === Provider.SALESFORCE && config.SALESFORCE_CLIENT_ID && config.SALESFORCE_CLIENT_SECRET) {
      const { conn, ready } = createSalesforceConnection({
        loginUrl: config.SALESFORCE_LOGIN_URL,
        clientId: config.SALESFORCE_CLIENT_ID,
        clientSecret: config.SALESFORCE_CLIENT_SECRET,
        apiVersion: config.SALESFORCE_API_VERSION,
        clientName: config.SALESFORCE_CLIENT_NAME,
      });
      const connector = new SalesforceConnector(
        conn,
        ready,
        new RateLimiter(config.SALESFORCE_RATE_LIMIT_RPS),
        { externalIdField: config.SALESFORCE_EXTERNAL_ID_FIELD, accountId: config.SALESFORCE_ACCOUNT_ID },
        logger.child({ component: 'salesforce' }),
      );
      byProvider.set(provider, connector);
      out.salesforce = { conn, ready, orgId: config.SALESFORCE_ORG_ID };
    } else if (provider === Provider.SALESFORCE) {
      logger.warn(
        'SALESFORCE is in SYNC_PROVIDERS but SALESFORCE_CLIENT_ID/SECRET are not set: its sync states stay PENDING',
      );
    }
  }
  return out;
}
