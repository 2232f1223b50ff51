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
  /** What we answered; 0 while an attempt is left hanging (see `answerWith`). */
  status: number;
  /** Date.now() on arrival. */
  at: number;
}

/** How to answer one attempt: a status, or 'hang' to leave it unanswered until `answerHanging`. */
export type Answer = number | 'hang';

export interface WebhookReceiver {
  readonly url: string;
  /** Every delivery attempt, in arrival order, with the status we answered. */
  readonly received: ReceivedWebhook[];
  /** Statuses to answer for the next attempts (then what `answerWith` says, by default 200). */
  failNext(...statuses: number[]): void;
  /** Decides the answer to each attempt by the event it carries (after any `failNext` statuses). */
  answerWith(answer: (event: Stripe.Event) => Answer): void;
  /** Attempts left hanging now. */
  hanging(): number;
  /** Answers every hanging attempt with `status`; returns how many. */
  answerHanging(status: number): number;
  close(): Promise<void>;
}

/** A stand-in for the app's webhook endpoint: records raw bodies so tests can verify signatures themselves. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const planned: number[] = [];
  let decide: (event: Stripe.Event) => Answer = () => 200;
  let hung: Array<{ entry: ReceivedWebhook; res: http.ServerResponse }> = [];
  // An attempt the emulator gave up on (timeout, close) has closed its connection: it no longer counts.
  const open = () => hung.filter(({ res }) => !res.closed);
  const respond = (entry: ReceivedWebhook, res: http.ServerResponse, status: number) => {
    entry.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ received: status < 300 }));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const answer = planned.shift() ?? decide(JSON.parse(rawBody) as Stripe.Event);
      const signature = req.headers['stripe-signature'];
      const entry = {
        rawBody,
        signature: Array.isArray(signature) ? signature[0] : signature,
        status: 0,
        at: Date.now(),
      };
      received.push(entry);
      if (answer === 'hang') hung.push({ entry, res });
      else respond(entry, res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    failNext: (...statuses) => planned.push(...statuses),
    answerWith: (answer) => {
      decide = answer;
    },
    hanging: () => open().length,
    answerHanging: (status) => {
      const going = open();
      hung = [];
      for (const { entry, res } of going) respond(entry, res, status);
      return going.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The event an attempt carried. */
export function eventOf(delivery: ReceivedWebhook): Stripe.Event {
  return JSON.parse(delivery.rawBody) as Stripe.Event;
}

/**
 * `events` sorted the way Stripe created them (its event list, newest first, reversed): deliveries come in no
 * guaranteed order (https://docs.stripe.com/webhooks#event-ordering), creation order is what a test can assert.
 */
export async function inCreationOrder<E extends { id: string }>(stripe: Stripe, events: E[]): Promise<E[]> {
  const created = (await stripe.events.list({ limit: 100 })).data.map((e) => e.id).reverse();
  return [...events].sort((a, b) => created.indexOf(a.id) - created.indexOf(b.id));
}

/** Parsed event type of each successful delivery, for compact assertions. */
export function acceptedEvents(receiver: WebhookReceiver): Stripe.Event[] {
  return receiver.received.filter((r) => r.status >= 200 && r.status < 300).map(eventOf);
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
