// Stripe's error envelope: `{ error: { type, code?, message, param? } }`. stripe-node picks its error class from
// the HTTP status (400/404 -> StripeInvalidRequestError, 401 -> StripeAuthenticationError, 429 ->
// StripeRateLimitError, other -> StripeAPIError) and from `type: 'idempotency_error'`, so both must be right.

export type StripeErrorType =
  'api_error' | 'idempotency_error' | 'invalid_request_error' | 'rate_limit_error' | 'authentication_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  message: string;
  param?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /**
   * Whether the idempotency layer stores this answer. Stripe saves results only once the endpoint started
   * executing: parameter validation failures are not saved, so a corrected retry with the same key can succeed.
   */
  readonly storable: boolean;

  constructor(status: number, body: StripeErrorBody, storable = false) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.storable = storable;
  }
}

export function invalidRequest(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, { type: 'invalid_request_error', message, ...(code && { code }), ...(param && { param }) });
}

export function unknownParameter(param: string): ApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export function missingParameter(param: string): ApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/**
 * A request that is well formed but not allowed in the object's current state (finalizing a paid invoice). The
 * endpoint found that out while executing, so like a missing object the answer is stored for idempotency.
 */
export function stateError(message: string, options: { code?: string; param?: string } = {}): ApiError {
  const { code, param } = options;
  return new ApiError(
    400,
    { type: 'invalid_request_error', message, ...(code && { code }), ...(param && { param }) },
    true,
  );
}

/** A missing object is found by the endpoint itself, so (unlike validation errors) it is stored for idempotency. */
export function resourceMissing(kind: string, id: string, param = 'id'): ApiError {
  return new ApiError(
    404,
    { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param },
    true,
  );
}

export function unrecognizedUrl(method: string, path: string, hint = ''): ApiError {
  return new ApiError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.${hint}`,
  });
}

export function faultError(status: number, code?: string): ApiError {
  if (status === 429) {
    return new ApiError(429, {
      type: 'rate_limit_error',
      code: code ?? 'rate_limit',
      message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    });
  }
  if (status >= 500) {
    return new ApiError(status, {
      type: 'api_error',
      ...(code && { code }),
      message: 'An unknown error occurred while processing your request (injected by the Stripe emulator).',
    });
  }
  if (status === 401) {
    return new ApiError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided (injected fault).' });
  }
  return new ApiError(status, {
    type: 'invalid_request_error',
    ...(code && { code }),
    message: `Injected fault with status ${status}.`,
  });
}
