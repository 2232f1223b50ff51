/**
 * Whether an error means "the database cannot be reached right now" (refused or dropped connections, a server
 * shutting down or starting up), as opposed to a problem with the statement. Such errors are worth retrying, and
 * clients are told so (SERVICE_UNAVAILABLE, HTTP 503).
 * SQLSTATE classes: https://www.postgresql.org/docs/current/errcodes-appendix.html (08: connection exception,
 * 57P01-57P03: admin shutdown, crash shutdown, cannot connect now).
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const SQLSTATE = /^(08...|57P0[123])$/;
const MESSAGES =
  /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    const { code, message, cause, errors, thrownValue } = e as {
      thrownValue?: unknown;
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (NETWORK.has(code) || SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    // Node's net errors for several addresses come as an AggregateError.
    if (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x))) return true;
    // The pool rejects with a plain object, which graphql-js wraps as NonErrorThrown { thrownValue }.
    e = cause ?? thrownValue;
  }
  return false;
}
