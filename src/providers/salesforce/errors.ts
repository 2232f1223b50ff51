import { isNetworkError, ProviderError } from '../../core/provider-error.js';

export const SALESFORCE = 'SALESFORCE';

// Error codes worth retrying: limits and transient server/lock conditions
// (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
const RETRYABLE_CODES = new Set([
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'UNKNOWN_EXCEPTION',
  'QUERY_TIMEOUT',
]);

/** Codes that mean the record is not there (any more): a delete of it has happened. */
export const GONE_CODES = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED', 'INVALID_CROSS_REFERENCE_KEY']);

export function isRetryableSalesforceCode(code: string | undefined): boolean {
  if (!code) return false;
  if (RETRYABLE_CODES.has(code)) return true;
  const http = /^ERROR_HTTP_(\d+)$/.exec(code);
  return http ? Number(http[1]) === 429 || Number(http[1]) >= 500 : false;
}

export function toProviderError(err: unknown, action: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = (err as { errorCode?: string } | null)?.errorCode;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(SALESFORCE, `Salesforce ${action} failed: ${code ? `${code}: ` : ''}${message}`, {
    ...(code ? { providerCode: code } : {}),
    retryable: isNetworkError(err) || isRetryableSalesforceCode(code),
    // A daily API limit does not come back in seconds: wait long (the policy caps it).
    ...(code === 'REQUEST_LIMIT_EXCEEDED' ? { retryAfterMs: 60_000 } : {}),
    cause: err,
  });
}

/** One record's result in an sObject Collections call. */
export interface RecordResult {
  id?: string | null;
  success: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message: string; fields?: string[] }>;
}

export function recordErrorCode(r: RecordResult | undefined): string | undefined {
  const e = r?.errors?.[0];
  return e?.statusCode ?? e?.errorCode;
}

export function recordError(r: RecordResult, action: string): ProviderError {
  const code = recordErrorCode(r);
  return new ProviderError(
    SALESFORCE,
    `Salesforce ${action} failed: ${code ?? 'ERROR'}: ${r.errors?.[0]?.message ?? 'unknown error'}`,
    { ...(code ? { providerCode: code } : {}), retryable: isRetryableSalesforceCode(code) },
  );
}
