import type { ProviderPlugin } from '../../core/provider.js';
import { RateLimiter } from '../../platform/rate-limiter.js';
import { SalesforceApi } from './api.js';
import { createSalesforceConnection } from './client.js';
import { checkSalesforceConfig, salesforceConfigShape } from './config.js';
import { CUSTOMER } from '../../catalogs/customer/definition.js';
import { INVOICE } from '../../catalogs/invoice/definition.js';
import type { FieldValues } from '../../core/catalog.js';
import { contactBinding, SalesforceContactAdapter } from './contact-adapter.js';
import { SALESFORCE } from './errors.js';
import { parseSalesforceMessage } from './inbound.js';
import { invoiceBinding, SalesforceInvoiceAdapter } from './invoice-adapter.js';
import { replicationPoller } from './poller.js';
import type { SObjectBinding } from './sobject-adapter.js';
import { salesforceWebhookRoute } from './webhook-route.js';

/**
 * Salesforce: customers <-> Contacts with jsforce (OAuth 2.0 client credentials). Changes come back through
 * Outbound Messages (`POST /webhooks/salesforce`, needs SALESFORCE_ORG_ID) and a getUpdated/getDeleted poll.
 */
export const salesforcePlugin: ProviderPlugin<typeof salesforceConfigShape> = {
  id: SALESFORCE,
  entityTypes: [CUSTOMER, INVOICE],
  configShape: salesforceConfigShape,
  checkConfig: checkSalesforceConfig,
  create(config, { logger, metrics }) {
    if (!config.SALESFORCE_CLIENT_ID || !config.SALESFORCE_CLIENT_SECRET) {
      logger.warn(
        'SALESFORCE is in SYNC_PROVIDERS but SALESFORCE_CLIENT_ID/SECRET are not set: its sync states stay PENDING',
      );
      return undefined;
    }
    const log = logger.child({ component: 'salesforce' });
    const { conn, ready } = createSalesforceConnection({
      loginUrl: config.SALESFORCE_LOGIN_URL,
      clientId: config.SALESFORCE_CLIENT_ID,
      clientSecret: config.SALESFORCE_CLIENT_SECRET,
      apiVersion: config.SALESFORCE_API_VERSION,
      clientName: config.SALESFORCE_CLIENT_NAME,
    });
    const rateLimit = new RateLimiter(config.SALESFORCE_RATE_LIMIT_RPS);
    const api = new SalesforceApi(conn, ready, rateLimit, log, metrics);
    const externalIdField = config.SALESFORCE_EXTERNAL_ID_FIELD;
    const orgId = config.SALESFORCE_ORG_ID;
    if (!orgId) logger.warn('SALESFORCE_ORG_ID is not set: /webhooks/salesforce is disabled');
    const intervalMs = config.SALESFORCE_POLL_INTERVAL_MS;
    const contacts = new SalesforceContactAdapter(api, { externalIdField, accountId: config.SALESFORCE_ACCOUNT_ID });
    const invoiceObject = config.SALESFORCE_INVOICE_OBJECT;
    const invoices = new SalesforceInvoiceAdapter(api, invoiceObject, externalIdField);
    // The sObject types we sync, and how each maps to its catalog.
    const bindings = new Map<string, SObjectBinding<FieldValues>>(
      [contactBinding(config.SALESFORCE_ACCOUNT_ID), invoiceBinding(invoiceObject)].map((b) => [
        b.sObjectType,
        b as unknown as SObjectBinding<FieldValues>,
      ]),
    );
    return {
      id: SALESFORCE,
      adapters: [contacts, invoices],
      rateLimit,
      parseInbound: (message) => parseSalesforceMessage(message, bindings, externalIdField),
      // Salesforce has no idempotency keys; upserts by External ID (our id) make retried writes safe instead.
      idempotencyKey: (eventId, operation) => `${eventId}:${operation}`,
      webhook: orgId
        ? (queue) => salesforceWebhookRoute({ orgId, sObjectTypes: new Set(bindings.keys()), queue, logger, metrics })
        : undefined,
      pollers:
        intervalMs > 0
          ? [...bindings.values()].map(({ sObjectType, entityType }) =>
              replicationPoller({
                api,
                sObjectType,
                entityType,
                intervalMs,
                logger: log.child({ component: 'poller' }),
              }),
            )
          : [],
      health: () => ({ webhook: !!orgId, apiUsage: api.apiUsage() }),
    };
  },
};
