// The Stripe and Salesforce emulators in their own processes (their CLIs, emulators/*/main.ts), each answering
// every provider call after BENCH_LATENCY_MS, and the control calls the stages use.
import { signatureHeader } from '../../emulators/stripe/webhooks.js';
import { getJson, postJson, request, runPool, type Reply } from './http.js';
import { startServer, type Child } from './processes.js';

export const STRIPE_KEY = 'sk_test_bench';
export const STRIPE_WEBHOOK_SECRET = 'whsec_bench';

/** POSTs a Stripe event body to a webhook endpoint, signed now with the bench's secret, as Stripe would. */
export function postStripeEvent(url: string, body: string): Promise<Reply> {
  return request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(body, STRIPE_WEBHOOK_SECRET) },
  });
}
export const SF_CLIENT_ID = 'bench';
export const SF_CLIENT_SECRET = 'bench-secret';
export const SF_ORG_ID = '00D000000000001AAA';
export const SF_LOG_CAP = 10_000;

export interface ProviderRequest {
  method: string;
  path: string;
  status: number;
  /** Stripe: when the request arrived (ms since the epoch). */
  receivedAt?: number;
}

export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: { id: string } };
}

export class StripeEmulatorProcess {
  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {}

  static async start(latencyMs: number): Promise<StripeEmulatorProcess> {
    const { child, url } = await startServer(
      'stripe-emulator',
      'emulators/stripe/main.js',
      (port) => ({
        STRIPE_EMULATOR_PORT: String(port),
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET,
        STRIPE_EMULATOR_LATENCY_MS: String(latencyMs),
      }),
      '/_emulator/health',
    );
    return new StripeEmulatorProcess(child, url);
  }

  async requests(): Promise<ProviderRequest[]> {
    return (await getJson<{ data: ProviderRequest[] }>(`${this.url}/_emulator/requests`)).data;
  }

  async deliveredEvents(): Promise<StripeEventLike[]> {
    return (await getJson<{ data: StripeEventLike[] }>(`${this.url}/_emulator/delivered-events`)).data;
  }

  setWebhookUrl(url: string | null): Promise<unknown> {
    return postJson(`${this.url}/_emulator/webhook-url`, { url });
  }

  reset(): Promise<unknown> {
    return postJson(`${this.url}/_emulator/reset`, {});
  }

  /** A Stripe API call as a dashboard user would make it (no idempotency key of ours, so not an echo). */
  async api<T>(method: string, path: string, params?: Record<string, string>): Promise<T> {
    const body = params ? new URLSearchParams(params).toString() : undefined;
    const res = await request(`${this.url}${path}`, {
      method,
      ...(body !== undefined && { body }),
      headers: {
        authorization: `Bearer ${STRIPE_KEY}`,
        ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
    });
    if (res.status >= 300) throw new Error(`Stripe ${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  /** Creates customers `name(i)` / `email(i)` for i in [0, n), 32 at a time; returns their ids in order. */
  async createCustomers(n: number, name: (i: number) => string, email: (i: number) => string): Promise<string[]> {
    const ids: string[] = [];
    await runPool(n, 32, async (i) => {
      ids[i] = (await this.api<{ id: string }>('POST', '/v1/customers', { name: name(i), email: email(i) })).id;
    });
    return ids;
  }

  /** Every event created at or after `sinceUnix` (seconds), oldest first. */
  async eventsSince(sinceUnix: number): Promise<StripeEventLike[]> {
    const events: StripeEventLike[] = [];
    let after: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ limit: '100', 'created[gte]': String(sinceUnix) });
      if (after) query.set('starting_after', after);
      const page = await this.api<{ data: StripeEventLike[]; has_more: boolean }>('GET', `/v1/events?${query}`);
      events.push(...page.data);
      if (!page.has_more || page.data.length === 0) break;
      after = page.data[page.data.length - 1]!.id;
    }
    return events.reverse();
  }
}

export class SalesforceEmulatorProcess {
  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {}

  static async start(latencyMs: number): Promise<SalesforceEmulatorProcess> {
    const { child, url } = await startServer(
      'salesforce-emulator',
      'emulators/salesforce/main.js',
      (port) => ({
        SALESFORCE_EMULATOR_PORT: String(port),
        SALESFORCE_CLIENT_ID: SF_CLIENT_ID,
        SALESFORCE_CLIENT_SECRET: SF_CLIENT_SECRET,
        SALESFORCE_ORG_ID: SF_ORG_ID,
        SALESFORCE_EMULATOR_LATENCY_MS: String(latencyMs),
      }),
      '/_emulator/requests',
    );
    return new SalesforceEmulatorProcess(child, url);
  }

  /** The emulator keeps the last 10,000 requests (SF_LOG_CAP): lengths can be subtracted only below that. */
  requests(): Promise<ProviderRequest[]> {
    return getJson<ProviderRequest[]>(`${this.url}/_emulator/requests`);
  }

  setOutboundUrl(url: string | null): Promise<unknown> {
    return postJson(`${this.url}/_emulator/outbound-url`, { url });
  }
}

/** "GET /v1/customers/{id}"-style keys, to say which calls were made. */
export function callKind(r: ProviderRequest): string {
  const path = r.path
    .replace(/\/(cus|in|ii|evt)_[A-Za-z0-9]+/g, '/{id}')
    .replace(/\/[a-zA-Z0-9]{15,18}(?=\/|$)/g, '/{id}')
    .replace(/\/v\d+\.\d/, '/vXX.X');
  return `${r.method} ${path}`;
}

/** Counts of each kind of call, most frequent first, as "n× KIND" strings. */
export function callBreakdown(requests: readonly ProviderRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(callKind(r), (counts.get(callKind(r)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n}× ${kind}`)
    .join(', ');
}
