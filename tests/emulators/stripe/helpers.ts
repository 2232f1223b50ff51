import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { StripeEmulator } from '../../../emulators/stripe/index.js';

/** The real stripe-node client, pointed at the emulator the way the connector should configure it. */
export function stripeFor(
  emulator: StripeEmulator,
  {
    apiKey = 'sk_test_emulator',
    maxNetworkRetries = 0,
    timeout,
  }: { apiKey?: string; maxNetworkRetries?: number; timeout?: number } = {},
): Stripe {
  return new Stripe(apiKey, {
    host: '127.0.0.1',
    port: emulator.port,
    protocol: 'http',
    maxNetworkRetries,
    telemetry: false,
    ...(timeout !== undefined && { timeout }),
  });
}

export interface ReceivedWebhook {
  rawBody: string;
  signature: string | undefined;
  status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  /** Every delivery attempt, in arrival order, with the status we answered. */
  readonly received: ReceivedWebhook[];
  /** Statuses to answer for the next attempts (then 200). */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A stand-in for the app's webhook endpoint: records raw bodies so tests can verify signatures themselves. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const planned: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = planned.shift() ?? 200;
      const signature = req.headers['stripe-signature'];
      received.push({
        rawBody: Buffer.concat(chunks).toString('utf8'),
        signature: Array.isArray(signature) ? signature[0] : signature,
        status,
      });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    failNext: (...statuses) => planned.push(...statuses),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Parsed event type of each successful delivery, for compact assertions. */
export function acceptedEvents(receiver: WebhookReceiver): Stripe.Event[] {
  return receiver.received.filter((r) => r.status < 300).map((r) => JSON.parse(r.rawBody) as Stripe.Event);
}

/** Raw HTTP call, for what stripe-node would not send (no auth, odd headers, hand-written form bodies). */
export async function rawRequest(
  emulator: StripeEmulator,
  method: string,
  path: string,
  { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
      ...headers,
    },
    ...(body !== undefined && { body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

export const AUTH = { Authorization: 'Bearer sk_test_emulator' };
