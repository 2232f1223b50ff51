/**
 * The one SOAP API call the sync makes: getServerTimestamp() on the Partner endpoint
 * (`POST /services/Soap/u/XX.X`, as jsforce's `conn.soap.getServerTimestamp()` sends it). Salesforce's
 * replication guide has clients take the server's time for getUpdated/getDeleted windows instead of their own
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getserverTimestamp.htm),
 * which is also what lets tests move the org's clock. The session id travels in the SOAP SessionHeader; an
 * invalid one is a 500 fault `sf:INVALID_SESSION_ID`, which jsforce answers by refreshing the session.
 */
import type { Reply } from './http.js';
import type { Sessions } from './oauth.js';
import type { Org } from './org.js';
import { formatSoapDateTime } from './time.js';

export const SOAP_PATH = /^\/services\/Soap\/u\/(\d+)\.(\d)\/?$/;

const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"' +
  ' xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

function fault(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/xml;charset=UTF-8' },
    body: envelope(
      `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${code}: ${message}</faultstring></soapenv:Fault>`,
    ),
  };
}

export function handleSoap(
  rawBody: Buffer,
  deps: { org: Org; sessions: Sessions; apiLimit: number; usage: { count: number } },
): Reply {
  const xml = rawBody.toString('utf8');
  // jsforce writes the envelope itself; the emulator only needs the session id and the operation's name.
  const sessionId = /<(?:\w+:)?sessionId>([^<]*)<\/(?:\w+:)?sessionId>/.exec(xml)?.[1];
  if (!deps.sessions.isValid(sessionId))
    return fault(500, 'INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader');
  if (deps.usage.count >= deps.apiLimit) return fault(500, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  deps.usage.count += 1;
  const body = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml)?.[1];
  if (body !== 'getServerTimestamp') {
    return fault(500, 'UNKNOWN_EXCEPTION', `${body ?? 'this call'} is not supported by the emulator`);
  }
  const timestamp = formatSoapDateTime(deps.org.clock.now());
  return {
    status: 200,
    headers: { 'Content-Type': 'text/xml;charset=UTF-8' },
    body: envelope(
      `<getServerTimestampResponse><result><timestamp>${timestamp}</timestamp></result></getServerTimestampResponse>`,
    ),
  };
}
