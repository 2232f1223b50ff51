import express, { type Router } from 'express';
import type { SalesforceInboundMessage } from '../../connectors/salesforce/connector.js';
import {
  ACK_RESPONSE,
  MAX_NOTIFICATIONS,
  parseOutboundMessage,
  sameOrgId,
  soapFault,
} from '../../connectors/salesforce/outbound-message.js';
import type { KafkaTransport } from '../../events/kafka.js';
import { Topics } from '../../events/topics.js';
import type { Logger } from '../../logger.js';

/**
 * POST /webhooks/salesforce: Salesforce Outbound Messages. Checks the OrganizationId (outbound messages carry
 * no signature; the org id — plus, in production, the IP allow-list / TLS client certificate in front of this
 * service — is what identifies the sender), queues each Contact notification to `inbound.salesforce` keyed by
 * the Contact id, and only then answers the SOAP Ack: without an Ack Salesforce redelivers, so a Kafka outage
 * loses nothing.
 */
export function salesforceWebhookRoute(opts: { orgId: string; kafka: KafkaTransport; logger: Logger }): Router {
  const router = express.Router();
  const log = opts.logger.child({ component: 'salesforce-webhook' });
  const reply = (res: express.Response, status: number, body: string) => res.status(status).type('text/xml').send(body);

  router.post('/webhooks/salesforce', express.text({ type: '*/*', limit: '2mb' }), async (req, res) => {
    const message = parseOutboundMessage(typeof req.body === 'string' ? req.body : '');
    if (!message) {
      log.warn('rejected Salesforce webhook: not an outbound message', { ip: req.ip });
      return reply(res, 400, soapFault('not a Salesforce outbound message'));
    }
    if (!sameOrgId(message.organizationId, opts.orgId)) {
      log.warn('rejected Salesforce webhook: unknown organization', {
        organizationId: message.organizationId,
        ip: req.ip,
      });
      return reply(res, 403, soapFault('unknown OrganizationId'));
    }
    if (message.notifications.length > MAX_NOTIFICATIONS) {
      return reply(res, 400, soapFault(`at most ${MAX_NOTIFICATIONS} notifications per message`));
    }
    const contacts = message.notifications.filter((n) => n.sObjectType === 'Contact' && n.fields.Id);
    try {
      await opts.kafka.publish(
        contacts.map((n) => {
          const body: SalesforceInboundMessage = {
            source: 'outbound-message',
            eventId: `om:${n.id}`,
            contactId: n.fields.Id!,
            fields: n.fields,
          };
          return { topic: Topics.inboundSalesforce, key: n.fields.Id!, value: JSON.stringify(body) };
        }),
      );
    } catch (err) {
      log.error('could not queue Salesforce notifications; Salesforce will redeliver', { error: err });
      return reply(res, 503, soapFault('event queue unavailable, retry later'));
    }
    return reply(res, 200, ACK_RESPONSE);
  });
  return router;
}
