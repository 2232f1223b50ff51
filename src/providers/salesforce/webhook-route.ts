import express, { type Router } from 'express';
import type { Logger } from '../../core/logger.js';
import { NO_PROVIDER_METRICS, type InboundQueue, type ProviderMetrics } from '../../core/provider.js';
import { reportRefusedBodies } from '../../platform/http/body-errors.js';
import { inboundMessage } from './inbound.js';
import { ACK_RESPONSE, parseOutboundMessage, sameOrgId, soapFault } from './outbound-message.js';

/**
 * POST /webhooks/salesforce: Salesforce Outbound Messages. Checks the OrganizationId (outbound messages carry
 * no signature; the org id — plus, in production, the IP allow-list / TLS client certificate in front of this
 * service — is what identifies the sender), queues each notification of a synced sObject type to
 * `inbound.salesforce` keyed by the record id, and only then answers the SOAP Ack: without an Ack Salesforce
 * redelivers, so a Kafka outage loses nothing.
 */
export function salesforceWebhookRoute(opts: {
  orgId: string;
  /** The sObject types we sync: notifications of others are acknowledged and dropped. */
  sObjectTypes: ReadonlySet<string>;
  queue: InboundQueue;
  logger: Logger;
  metrics?: ProviderMetrics | undefined;
}): Router {
  const router = express.Router();
  const log = opts.logger.child({ component: 'salesforce-webhook' });
  const metrics = opts.metrics ?? NO_PROVIDER_METRICS;
  const reply = (res: express.Response, status: number, body: string) => res.status(status).type('text/xml').send(body);

  // 1 MiB holds 100 notifications with room to spare; the size is checked before anything is read or parsed.
  router.post('/webhooks/salesforce', express.text({ type: '*/*', limit: '1mb' }), async (req, res) => {
    const parsed = parseOutboundMessage(typeof req.body === 'string' ? req.body : '');
    if (!parsed.ok) {
      log.warn('rejected Salesforce webhook', { reason: parsed.reason, ip: req.ip });
      metrics.webhookRejected('malformed');
      return reply(res, 400, soapFault(parsed.reason));
    }
    const message = parsed.message;
    if (!sameOrgId(message.organizationId, opts.orgId)) {
      log.warn('rejected Salesforce webhook: unknown organization', {
        organizationId: message.organizationId,
        ip: req.ip,
      });
      metrics.webhookRejected('org_id');
      return reply(res, 403, soapFault('unknown OrganizationId'));
    }
    const synced = message.notifications.filter((n) => opts.sObjectTypes.has(n.sObjectType) && n.fields.Id);
    try {
      await opts.queue(
        synced.map((n) => {
          const body = inboundMessage({
            source: 'outbound-message',
            eventId: `om:${n.id}`,
            sObjectType: n.sObjectType,
            recordId: n.fields.Id!,
            fields: n.fields,
          });
          return { key: n.fields.Id!, value: JSON.stringify(body) };
        }),
      );
    } catch (err) {
      log.error('could not queue Salesforce notifications; Salesforce will redeliver', { error: err });
      return reply(res, 503, soapFault('event queue unavailable, retry later'));
    }
    return reply(res, 200, ACK_RESPONSE);
  });
  router.use('/webhooks/salesforce', reportRefusedBodies(metrics.webhookRejected));
  return router;
}
