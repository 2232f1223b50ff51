// Stripe stores the status and body of the first request made with an Idempotency-Key and replays them for later
// requests with the same key and the same endpoint + parameters; a reuse with different parameters is an
// idempotency_error. Keys are scoped to the API key and may be pruned after 24 hours.

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface StoredResponse {
  status: number;
  body: unknown;
  /** Request-Id of the original request, sent back as `Original-Request` on replays. */
  requestId: string;
}

interface Entry {
  fingerprint: string;
  storedAt: number;
  response: StoredResponse;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(apiKey: string, key: string, fingerprint: string): IdempotencyLookup {
    this.prune();
    const entry = this.entries.get(scoped(apiKey, key));
    if (!entry) return { kind: 'new' };
    return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'mismatch' };
  }

  save(apiKey: string, key: string, fingerprint: string, response: StoredResponse): void {
    this.entries.set(scoped(apiKey, key), { fingerprint, storedAt: this.now(), response });
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) if (entry.storedAt < cutoff) this.entries.delete(key);
  }
}

function scoped(apiKey: string, key: string): string {
  return `${apiKey}\u0000${key}`;
}
