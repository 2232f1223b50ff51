import { AppError } from './errors.js';
import type { ProviderId } from './enums.js';

/**
 * A failed provider call, normalized across clients. `retryable` is decided once, by the connector that knows
 * the provider's semantics (429, 5xx, network errors), and the retry policy only reads it.
 */
export class ProviderError extends AppError {
  constructor(
    readonly provider: ProviderId,
    message: string,
    opts: {
      status?: number;
      providerCode?: string;
      retryable: boolean;
      retryAfterMs?: number;
      cause?: unknown;
      requestId?: string | undefined;
    },
  ) {
    super(opts.retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR', message, {
      cause: opts.cause,
      details: { provider, status: opts.status, providerCode: opts.providerCode },
    });
    this.status = opts.status;
    this.providerCode = opts.providerCode;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.requestId = opts.requestId;
  }
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** The provider's id of the failed request (Stripe's Request-Id), for the sync history and support. */
  requestId: string | undefined;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Retry 429 and 5xx (and network failures, which have no status); nothing else. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
