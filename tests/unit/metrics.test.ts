import express from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { OutcomeReporter } from '../../src/engine/outcomes.js';
import { ApiAuth } from '../../src/platform/http/auth.js';
import { metricsRoute } from '../../src/platform/http/metrics-route.js';
import { createLogger } from '../../src/platform/logger.js';
import { cachedReading, Metrics } from '../../src/platform/metrics.js';
import { RateLimiter } from '../../src/platform/rate-limiter.js';
import { sample } from '../support/metrics.js';

/** Every metric source watched, so the registry holds every metric the app can expose. */
function fullMetrics(): Metrics {
  const metrics = new Metrics();
  metrics.watchOutbox(async () => ({ backlog: 3, oldestAgeSeconds: 1.5 }));
  metrics.watchConsumerLag([{ groupId: 'g1', topics: ['t'] }], async () => 7);
  metrics.watchApiUsage(() => [{ provider: 'SALESFORCE', used: 10, limit: 100 }]);
  return metrics;
}

describe('Metrics', () => {
  it('counts outcomes, retries, dead letters and the latency of synced records', async () => {
    const metrics = fullMetrics();
    const where = { provider: 'STRIPE', catalog: 'CUSTOMER', direction: 'outbound' as const };
    metrics.syncOutcome({ ...where, outcome: 'synced', latencySeconds: 0.2 });
    metrics.syncOutcome({ ...where, outcome: 'retrying', latencySeconds: 0.3 });
    metrics.syncOutcome({ ...where, outcome: 'failed' });
    metrics.syncOutcome({ ...where, outcome: 'dead_lettered' });
    const provider = metrics.forProvider('STRIPE');
    provider.webhookRejected('signature');
    provider.rateLimitWait(0.5);
    provider.apiCall('ok');
    metrics.subscriptionEventDropped();
    const text = await metrics.render();
    expect(sample(text, 'catalog_sync_outcomes_total', { outcome: 'synced', provider: 'STRIPE' })).toBe(1);
    expect(sample(text, 'catalog_sync_retries_total', where)).toBe(1);
    expect(sample(text, 'catalog_sync_dead_letters_total', where)).toBe(2);
    // Only a synced record's latency is a sync latency.
    expect(sample(text, 'catalog_sync_latency_seconds_count', { provider: 'STRIPE' })).toBe(1);
    expect(sample(text, 'catalog_sync_latency_seconds_bucket', { provider: 'STRIPE', le: '0.25' })).toBe(1);
    expect(sample(text, 'catalog_sync_webhook_rejections_total', { reason: 'signature' })).toBe(1);
    expect(sample(text, 'catalog_sync_rate_limit_wait_seconds_sum', { provider: 'STRIPE' })).toBe(0.5);
    expect(sample(text, 'catalog_sync_provider_requests_total', { outcome: 'ok' })).toBe(1);
    expect(sample(text, 'catalog_sync_subscription_events_dropped_total', {})).toBe(1);
    expect(sample(text, 'catalog_sync_outbox_backlog')).toBe(3);
    expect(sample(text, 'catalog_sync_outbox_oldest_age_seconds')).toBe(1.5);
    expect(sample(text, 'catalog_sync_consumer_lag', { group: 'g1' })).toBe(7);
    expect(sample(text, 'catalog_sync_provider_api_requests_used', { provider: 'SALESFORCE' })).toBe(10);
    expect(sample(text, 'catalog_sync_provider_api_requests_limit', { provider: 'SALESFORCE' })).toBe(100);
  });

  it('shows no outbox, lag or API usage series in a process that has no such source', async () => {
    const text = await new Metrics({ defaultMetrics: false }).render();
    expect(text).toContain('catalog_sync_outcomes_total');
    expect(text).not.toContain('catalog_sync_outbox_backlog');
    expect(text).not.toContain('catalog_sync_consumer_lag');
    expect(text).not.toContain('catalog_sync_provider_api_requests_used');
  });

  it('leaves lag out of a scrape when the broker does not answer, and marks the outbox unknown', async () => {
    const metrics = new Metrics({ defaultMetrics: false, timeoutMs: 20 });
    metrics.watchConsumerLag([{ groupId: 'g1', topics: ['t'] }], () => new Promise(() => undefined));
    metrics.watchOutbox(() => Promise.reject(new Error('database down')));
    const text = await metrics.render();
    expect(sample(text, 'catalog_sync_consumer_lag', { group: 'g1' })).toBeUndefined();
    expect(sample(text, 'catalog_sync_outbox_backlog')).toBeNaN();
  });
});

describe('cachedReading', () => {
  it('reads once per period, shares concurrent reads and remembers failures for the period', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const read = cachedReading(
      async () => {
        calls += 1;
        if (fail) throw new Error('down');
        return calls;
      },
      1000,
      500,
      () => now,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    now = 999;
    expect(await read()).toBe(1);
    now = 1000;
    fail = true;
    await expect(read()).rejects.toThrow('down');
    await expect(read()).rejects.toThrow('down');
    expect(calls).toBe(2);
    now = 2000;
    fail = false;
    expect(await read()).toBe(3);
  });

  it('gives up on a reading that takes longer than its timeout', async () => {
    const read = cachedReading(() => new Promise<number>(() => undefined), 1000, 10);
    await expect(read()).rejects.toThrow('no answer within 10 ms');
  });
});

describe('RateLimiter.acquire', () => {
  it('answers how long the call waited', async () => {
    let now = 0;
    const limiter = new RateLimiter(1, () => now);
    expect(await limiter.acquire()).toBe(0);
    const second = limiter.acquire();
    await new Promise((r) => setTimeout(r, 20));
    now = 1031; // 1 call/s with 3% headroom: 1031 ms apart
    expect(await second).toBe(1.031);
  });
});

describe('sync outcome log line', () => {
  it('carries the correlation id, ids, outcome, attempt and timings, and no email', () => {
    const lines: string[] = [];
    const log = createLogger('info', { role: 'worker' }, (l) => lines.push(l)).child({ provider: 'STRIPE' });
    const metrics = new Metrics({ defaultMetrics: false });
    const ids = {
      correlationId: 'evt-1',
      direction: 'outbound' as const,
      entityType: 'CUSTOMER',
      entityId: 'c-1',
      externalId: 'cus_1',
      outcome: 'retrying',
      attempt: 2,
    };
    new OutcomeReporter('STRIPE', log, metrics).report({
      ...ids,
      startedAt: Date.now() - 5,
      changedAt: new Date(Date.now() - 1000).toISOString(),
      error: new Error('Invalid email: jane.doe@example.com'),
      level: 'warn',
    });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'sync outcome',
      role: 'worker',
      provider: 'STRIPE',
      ...ids,
      durationMs: expect.any(Number),
      latencyMs: expect.any(Number),
      error: { message: 'Invalid email: [email]' },
    });
    expect(line.latencyMs).toBeGreaterThanOrEqual(1000);
    expect(lines[0]).not.toContain('jane.doe');
  });
});

describe('GET /metrics', () => {
  async function serve(auth: ApiAuth) {
    const app = express().use(metricsRoute(new Metrics({ defaultMetrics: false }), auth));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    return { url, close: () => new Promise((r) => server.close(r)) };
  }

  it('answers the text format, and asks for a token when one is configured', async () => {
    const open = await serve(new ApiAuth([]));
    const closed = await serve(new ApiAuth(['metrics-token-0123456789']));
    try {
      const res = await fetch(open.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain('# TYPE catalog_sync_outcomes_total counter');
      expect((await fetch(closed.url)).status).toBe(401);
      const authed = await fetch(closed.url, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(authed.status).toBe(200);
    } finally {
      await open.close();
      await closed.close();
    }
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync('infra/grafana/dashboards/catalog-sync.json', 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ definition?: string }> };
  };
  const queries = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => v.definition ?? ''),
  ];

  it('queries only metrics the app exposes', () => {
    const names = new Set(fullMetrics().names());
    const queried = new Set(
      queries.flatMap((q) => [...q.matchAll(/\b(?:catalog_sync|process|nodejs)_\w+/g)].map((m) => m[0])),
    );
    expect(queried.size).toBeGreaterThan(10);
    const unknown = [...queried].filter((n) => !names.has(n.replace(/_(bucket|count|sum)$/, '')) && !names.has(n));
    expect(unknown).toEqual([]);
  });

  it('has a panel for each thing the issue asks to watch', () => {
    const all = queries.join('\n');
    for (const name of [
      'catalog_sync_latency_seconds_bucket',
      'catalog_sync_outcomes_total',
      'catalog_sync_outbox_backlog',
      'catalog_sync_outbox_oldest_age_seconds',
      'catalog_sync_consumer_lag',
      'catalog_sync_retries_total',
      'catalog_sync_dead_letters_total',
      'catalog_sync_webhook_rejections_total',
      'catalog_sync_provider_api_requests_used',
      'catalog_sync_rate_limit_wait_seconds',
    ])
      expect(all).toContain(name);
  });
});
