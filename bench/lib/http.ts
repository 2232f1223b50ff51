// The load generator's HTTP: node:http with keep-alive (lighter than fetch, so the generator takes less of the two
// cores from the processes it measures), GraphQL over it, and a fixed-concurrency task runner.
import http from 'node:http';
import type { Deadline } from './deadline.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

export interface Reply {
  status: number;
  body: string;
}

export interface RequestOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  return attempt(url, options).catch((err: Error & { code?: string; reusedSocket?: boolean }) => {
    // A kept-alive socket the server closed while it sat idle: the request never reached the server (Node's
    // documented case for one retry on a fresh connection).
    if (err.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return attempt(url, options);
    throw err;
  });
}

function attempt(url: string, { method = 'GET', body, headers = {} }: RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...headers, ...(body !== undefined && { 'content-length': Buffer.byteLength(body) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: Error & { reusedSocket?: boolean }) => {
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    req.end(body);
  });
}

export async function postJson<T>(url: string, payload: unknown): Promise<T> {
  const res = await request(url, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${res.body.slice(0, 300)}`);
  return (res.body ? JSON.parse(res.body) : undefined) as T;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await request(url);
  if (res.status >= 300) throw new Error(`GET ${url}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}

export async function gql<T>(apiUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await request(`${apiUrl}/graphql`, {
    method: 'POST',
    body: JSON.stringify({ query, variables }),
    headers: { 'content-type': 'application/json' },
  });
  const parsed = JSON.parse(res.body) as { data?: T; errors?: unknown[] };
  if (res.status !== 200 || parsed.errors) {
    throw new Error(`GraphQL failed: ${res.status} ${JSON.stringify(parsed.errors).slice(0, 300)}`);
  }
  return parsed.data!;
}

/** Runs task(i) for i in [0, n) on `concurrency` workers; returns each call's latency (ms). */
export async function runPool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
  deadline?: Deadline,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        deadline?.check('in a load run');
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

/** Starts task(i) every 1000/rate ms for `n` tasks without waiting for earlier ones; resolves when all are done. */
export async function paced(n: number, ratePerSecond: number, task: (i: number) => Promise<unknown>): Promise<void> {
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  const running: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    running.push(task(i));
  }
  await Promise.all(running);
}
