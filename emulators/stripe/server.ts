import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.js';
import { ApiError, faultError, invalidRequest, type StripeErrorBody } from './errors.js';
import { actsAfter, FaultInjector } from './faults.js';
import { canonicalJson, parseForm } from './form.js';
import { HeldReplies } from '../shared/holds.js';
import { IdempotencyStore, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.js';
import { randomId } from './ids.js';
import { matchRoute } from './routes.js';
import { snapshot, StripeStore, type StripeState } from './store.js';
import type { FaultSpec, HeldReply, RequestLogEntry, StripeCustomer, StripeEvent, StripeInvoice } from './types.js';
import type { WebhookHold } from './webhook-holds.js';
import type { WebhookRetryOptions } from './webhook-policy.js';
import { WebhookDispatcher, type PendingWebhook } from './webhooks.js';

export interface StripeEmulatorOptions {
  /** 0 or undefined: a free port. The emulator only listens on 127.0.0.1. */
  port?: number;
  /** The one secret key accepted (as `Authorization: Bearer <key>`); default 'sk_test_emulator'. */
  apiKey?: string;
  /** Where events are POSTed; can be changed later with setWebhookUrl. */
  webhookUrl?: string;
  /** Endpoint secret used to sign webhooks; default 'whsec_emulator'. */
  webhookSecret?: string;
  /** `api_version` written on events and sent as Stripe-Version when the client sent none. */
  apiVersion?: string;
  /**
   * Webhook retries, Stripe-like by default (webhook-policy.ts): first retry after 1 min, doubling up to 1 h apart,
   * for 3 days (`maxAgeMs`); an attempt without an answer within 5 s has failed. Tests pass shorter times.
   */
  webhookRetry?: WebhookRetryOptions;
  /** Each event's first attempt waits a random 0..N ms, so order is not guaranteed (default 1000; 0: none). */
  webhookJitterMs?: number;
  /** Diagnostics (failed deliveries, unexpected errors). Silent by default to keep test output clean. */
  log?: (line: string) => void;
  /** Start from what an earlier run's `state()` returned (customers, invoices, items, events), not empty. */
  state?: StripeState;
  /**
   * Response time of every API call (not of /_emulator/ control calls), like a real provider's: the call waits
   * this long, then runs and answers. Default 0.
   */
  latencyMs?: number;
}

export interface StripeEmulator {
  readonly url: string;
  readonly port: number;
  setWebhookUrl(url: string | undefined): void;
  /**
   * Drops customers, invoices, invoice items, events, idempotency keys, faults, logs, pending deliveries and
   * webhook holds (keeps the webhook URL), and releases held replies.
   */
  reset(): void;
  injectFaults(fault: FaultSpec): void;
  /** Drops pending faults (replies already held stay held). */
  clearFaults(): void;
  /** Lets the replies held by `hold` faults go (those of one gate, or all); returns how many. */
  release(hold?: string): number;
  /** Replies waiting for release now, oldest first. */
  held(): HeldReply[];
  /**
   * Its objects and events as plain JSON-able data, for a later `startStripeEmulator({ state })` (npm start keeps
   * its data between runs). Idempotency keys, faults and pending deliveries are not part of it.
   */
  state(): StripeState;
  /** Current non-deleted customers, newest first. */
  customers(): StripeCustomer[];
  /** Current non-deleted invoices (any status), newest first. */
  invoices(): StripeInvoice[];
  requestLog(): RequestLogEntry[];
  /** Events whose webhook delivery got a 2xx, in delivery order, as they were sent. */
  deliveredEvents(): StripeEvent[];
  /** Holds the deliveries of matching events (type, object id; optionally only the next `count`) until release. */
  holdWebhooks(rule: WebhookHold): void;
  /** Ends the gate `hold` (or all) and sends what it held at once; returns how many. */
  releaseWebhooks(hold?: string): number;
  /** Deliveries not yet done or given up: scheduled (with the next attempt's time), held, or being sent. */
  pendingWebhooks(): PendingWebhook[];
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sk_test_emulator';
export const DEFAULT_WEBHOOK_SECRET = 'whsec_emulator';
/**
 * The API version pinned by the installed stripe-node (v23). A real account renders events in its own default
 * version; using the client's keeps event payloads and typed objects in agreement.
 */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

const MAX_BODY_BYTES = 1024 * 1024;

interface CallRequest {
  method: string;
  path: string;
  url: URL;
  rawBody: string;
  requestId: string;
  idempotencyKey: string | undefined;
}

/** What an API call answers; `headers` are added to the common ones (Request-Id, Stripe-Version, ...). */
interface Outcome {
  status: number;
  body: string;
  headers?: Record<string, string>;
  replayed?: boolean;
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const log = options.log;
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('latencyMs must be a non-negative number');
  let webhookUrl = options.webhookUrl;
  let requests: RequestLogEntry[] = [];
  let delivered: StripeEvent[] = [];

  const faults = new FaultInjector();
  const held = new HeldReplies();
  let resets = 0;
  const idempotency = new IdempotencyStore();
  const dispatcher = new WebhookDispatcher({
    secret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
    url: () => webhookUrl,
    onDelivered: (event) => delivered.push(event),
    policy: { ...options.webhookRetry, jitterMs: options.webhookJitterMs },
    ...(log && { log }),
  });
  const store = new StripeStore(apiVersion, {
    pendingWebhooks: () => (webhookUrl === undefined ? 0 : 1),
    publish: (event) => {
      if (webhookUrl !== undefined) dispatcher.enqueue(event);
    },
  });
  if (options.state) store.restore(options.state);

  const control = {
    reset() {
      resets += 1;
      held.release();
      store.reset();
      faults.clear();
      idempotency.clear();
      dispatcher.reset();
      requests = [];
      delivered = [];
    },
    injectFaults: (fault: FaultSpec) => faults.add(fault),
    clearFaults: () => faults.clear(),
    release: (hold?: string) => held.release(hold),
    held: () => held.list(),
    setWebhookUrl(url: string | undefined) {
      webhookUrl = url;
    },
    state: () => store.state(),
    customers: () => snapshot(store.activeCustomers()),
    invoices: () => snapshot(store.invoices.activeInvoices()),
    requestLog: () => requests.map((entry) => ({ ...entry })),
    deliveredEvents: () => snapshot(delivered),
    holdWebhooks: (rule: WebhookHold) => dispatcher.hold(rule),
    releaseWebhooks: (hold?: string) => dispatcher.release(hold),
    pendingWebhooks: () => dispatcher.pending(),
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const receivedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const requestId = randomId('req');
    const idempotencyKey = header(req, 'idempotency-key');
    const generation = resets;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, no-store',
      'Request-Id': requestId,
      'Stripe-Version': header(req, 'stripe-version') ?? apiVersion,
      ...(idempotencyKey !== undefined && method === 'POST' && { 'Idempotency-Key': idempotencyKey }),
    };
    const logRequest = (status: number, replayed = false) => {
      // A call that began before reset() (a held or slow reply) stays out of the new log.
      if (generation !== resets) return;
      requests.push({
        method,
        path,
        receivedAt,
        ...(idempotencyKey !== undefined && { idempotencyKey }),
        status,
        ...(replayed && { replayed }),
      });
    };
    const send = (outcome: Outcome) => {
      logRequest(outcome.status, outcome.replayed);
      res.writeHead(outcome.status, { ...headers, ...outcome.headers });
      res.end(outcome.body);
    };
    const drop = () => {
      logRequest(0);
      req.socket.destroy();
    };

    if (latencyMs > 0) await delay(latencyMs);
    let fault: FaultSpec | undefined;
    let outcome: Outcome;
    try {
      const key = authenticate(header(req, 'authorization'), apiKey);
      fault = faults.take(method, path);
      if (fault && !actsAfter(fault)) {
        // Like Stripe's rate limiters and load balancers: before the idempotency layer, so nothing is applied or
        // stored and a retry with the same key runs the request for real.
        if (fault.latencyMs) await delay(fault.latencyMs);
        if (fault.dropConnection) return drop();
        if (fault.status !== undefined) return send(faultOutcome(fault));
      }
      outcome = runCall(key, { method, path, url, rawBody, requestId, idempotencyKey });
    } catch (error) {
      outcome = errorOutcome(error, `${method} ${path}`);
    }

    if (fault && actsAfter(fault)) {
      // The call has been applied and its real reply stored under the idempotency key; only the reply is affected.
      if (fault.latencyMs) await delay(fault.latencyMs);
      if (fault.hold !== undefined) await held.wait(fault.hold, method, path, answered(res));
      if (fault.dropConnection) return drop();
      if (fault.status !== undefined) outcome = faultOutcome(fault);
    }
    return send(outcome);
  }

  /** Routes the call through the idempotency layer. Synchronous, so two calls with one key cannot interleave. */
  function runCall(key: string, request: CallRequest): Outcome {
    const { method, path, url, rawBody, requestId, idempotencyKey } = request;
    const route = matchRoute(method, path);
    // stripe-node sends POST parameters in the body and GET/DELETE parameters in the query string.
    const params = parseForm(method === 'POST' && rawBody !== '' ? rawBody : url.search.slice(1));
    // Idempotency keys only mean something on POST, as on Stripe (they are ignored on GET and DELETE).
    const effectiveKey = method === 'POST' ? idempotencyKey : undefined;
    const call = { method, path, params, id: route.id, requestId, idempotencyKey: effectiveKey ?? null };

    if (effectiveKey === undefined) {
      const result = route.handle(call, store);
      return { status: result.status, body: toJson(result.body) };
    }

    if (effectiveKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw invalidRequest(
        `Idempotency-Key values can be up to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`,
        'Idempotency-Key',
      );
    }
    const fingerprint = `${method} ${path} ${canonicalJson(params)}`;
    const previous = idempotency.lookup(key, effectiveKey, fingerprint);
    if (previous.kind === 'replay') {
      return {
        status: previous.response.status,
        body: previous.response.body as string,
        headers: { 'Idempotent-Replayed': 'true', 'Original-Request': previous.response.requestId },
        replayed: true,
      };
    }
    if (previous.kind === 'mismatch') {
      throw new ApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${effectiveKey}' if you meant to execute a different request.`,
      });
    }

    let status: number;
    let body: string;
    try {
      const result = route.handle(call, store);
      status = result.status;
      body = toJson(result.body);
    } catch (error) {
      if (!(error instanceof ApiError) || !error.storable) throw error;
      status = error.status;
      body = errorJson(error.body);
    }
    idempotency.save(key, effectiveKey, fingerprint, { status, body, requestId });
    return { status, body };
  }

  function errorOutcome(error: unknown, call: string): Outcome {
    if (error instanceof ApiError) return { status: error.status, body: errorJson(error.body) };
    log?.(`stripe emulator: unexpected error on ${call}: ${String(error)}`);
    return { status: 500, body: errorJson({ type: 'api_error', message: 'Unexpected error in the Stripe emulator.' }) };
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let rawBody: string;
      try {
        rawBody = await readBody(req);
      } catch {
        res.writeHead(413, { 'Content-Type': 'application/json' });
        res.end(errorJson({ type: 'invalid_request_error', message: 'Request body too large.' }));
        return;
      }
      if (url.pathname.startsWith('/_emulator/')) handleControl(control, req, res, url.pathname, rawBody);
      else await handleApi(req, res, url, rawBody);
    })().catch((error: unknown) => {
      log?.(`stripe emulator: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...control,
    async close() {
      await held.releaseAll();
      await dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // stripe-node keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      });
    },
  };
}

/** Returns the API key the request authenticated with, or throws Stripe's 401. */
function authenticate(authorization: string | undefined, expected: string): string {
  let provided: string | undefined;
  const [scheme = '', credentials = ''] = (authorization ?? '').trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') provided = credentials;
  // curl -u sk_test_...: sends the key as the Basic auth user name; Stripe accepts that too.
  if (scheme.toLowerCase() === 'basic') provided = Buffer.from(credentials, 'base64').toString('utf8').split(':')[0];
  if (!provided) {
    throw new ApiError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    });
  }
  if (provided !== expected) {
    throw new ApiError(401, {
      type: 'invalid_request_error',
      message: `Invalid API Key provided: ${redact(provided)}`,
    });
  }
  return provided;
}

function redact(key: string): string {
  return key.length <= 12 ? '*'.repeat(key.length) : `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toJson(body: unknown): string {
  // Stripe pretty-prints its responses.
  return JSON.stringify(body, null, 2);
}

function errorJson(error: StripeErrorBody): string {
  return toJson({ error });
}

function faultOutcome(fault: FaultSpec): Outcome {
  const error = faultError(fault.status ?? 500, fault.code);
  return {
    status: error.status,
    body: errorJson(error.body),
    ...(fault.shouldRetry !== undefined && { headers: { 'Stripe-Should-Retry': String(fault.shouldRetry) } }),
  };
}

/** Settles once the response has been written or its connection closed. */
function answered(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once('close', () => resolve()));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
