/** Shared helpers for the Salesforce emulator tests: a jsforce connection and a local SOAP listener. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import type { SalesforceEmulator } from '../../../emulators/salesforce/index.js';

export const API_VERSION = '62.0';

/**
 * Authorizes with the OAuth 2.0 client-credentials grant through jsforce's own `authorize()`; `refreshFn`
 * repeats that grant, so jsforce transparently recovers from INVALID_SESSION_ID.
 */
export async function connect(emu: SalesforceEmulator, opts: { client?: string } = {}): Promise<Connection> {
  const conn = new Connection({
    oauth2: { loginUrl: emu.url, clientId: emu.clientId, clientSecret: emu.clientSecret },
    version: API_VERSION,
    ...(opts.client ? { callOptions: { client: opts.client } } : {}),
    refreshFn: (c, callback) => {
      c.oauth2.requestToken({ grant_type: 'client_credentials' }).then(
        (res) => callback(null, res.access_token, res),
        (err: Error) => callback(err),
      );
    },
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

export interface ReceivedMessage {
  headers: IncomingHttpHeaders;
  body: string;
  organizationId: string | undefined;
  notifications: Array<{ id: string; contactId: string; fields: Record<string, string> }>;
}

/** Pulls what a listener needs out of a Salesforce outbound message (good enough for tests; no XML library). */
export function parseOutboundMessage(body: string): Omit<ReceivedMessage, 'headers' | 'body'> {
  const organizationId = /<OrganizationId>([^<]*)<\/OrganizationId>/.exec(body)?.[1];
  const notifications = [...body.matchAll(/<Notification>([\s\S]*?)<\/Notification>/g)].map((m) => {
    const inner = m[1] ?? '';
    const fields: Record<string, string> = {};
    for (const f of inner.matchAll(/<sf:(\w+)>([^<]*)<\/sf:\1>/g)) fields[f[1] ?? ''] = f[2] ?? '';
    return { id: /<Id>([^<]*)<\/Id>/.exec(inner)?.[1] ?? '', contactId: fields.Id ?? '', fields };
  });
  return { organizationId, notifications };
}

export const ACK =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
  '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>' +
  '</soapenv:Body></soapenv:Envelope>';

/** A local outbound-message listener; `respond` decides each answer (default: 200 + Ack). */
export async function startListener(
  respond: (msg: ReceivedMessage, index: number) => { status: number; body: string } = () => ({
    status: 200,
    body: ACK,
  }),
): Promise<{ url: string; messages: ReceivedMessage[]; close: () => Promise<void> }> {
  const messages: ReceivedMessage[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const msg: ReceivedMessage = { headers: req.headers, body, ...parseOutboundMessage(body) };
      messages.push(msg);
      const answer = respond(msg, messages.length - 1);
      res.writeHead(answer.status, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/salesforce/outbound`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Raw REST call with the connection's token, for asserting headers and bodies jsforce hides. */
export async function rawRequest(
  conn: Connection,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${conn.instanceUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${conn.accessToken ?? ''}`,
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
