/**
 * Structured logger: one JSON object per line (stdout unless a `write` function is given), with `time` (ISO),
 * `level` (label), `msg`, and the logger's base/child fields and the call's fields at the top level.
 *
 * Built on pino: it is fast, well kept and structured-first, and it does the line writing, level filtering, child
 * bindings and output streams we used to hand-write. The redaction stays ours: pino's `redact` option takes fixed
 * paths, and we need "any key that looks like a secret, at any depth" so a config object or a request header can be
 * logged safely, and email addresses masked in every string value (personal data). `redact()` runs on the base and child fields when they are bound and on every call's fields (pino's
 * `formatters.log`, so only for lines that are written) before pino serializes anything; it also turns each Error it
 * meets into name, message, code, stack and cause chain.
 */
import pino from 'pino';
import type { Logger } from '../core/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

type Fields = Record<string, unknown>;

const SECRET_KEY = /secret|password|token|authorization|api[-_]?key|signature|cookie/i;
/** Email addresses in any string value (a provider's error message may quote one): personal data stays out of logs. */
const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** How deep redact() walks (objects, arrays, error causes). Deeper objects become a marker, never raw output. */
const MAX_DEPTH = 6;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('@') ? value.replace(EMAIL, '[email]') : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const source = value instanceof Error ? serializeError(value) : value;
  const out: Fields = {};
  for (const [k, v] of Object.entries(source)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/**
 * An Error as a plain object: name, message, code, stack, cause (any value; an Error cause is serialized the same way
 * when redact() walks into it), the errors of an AggregateError, then the error's other own enumerable properties.
 */
function serializeError(err: Error): Fields {
  const out: Fields = { name: err.name, message: err.message };
  const { code } = err as { code?: unknown };
  if (code !== undefined) out.code = code;
  out.stack = err.stack;
  if (err.cause !== undefined) out.cause = err.cause;
  if (err instanceof AggregateError) out.errors = err.errors;
  for (const [k, v] of Object.entries(err)) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}

export type { Logger };

// Synchronous, like the process.stdout.write it replaces: lines keep their order with console output and are not
// lost when the process exits right after logging (main.ts calls process.exit after 'shutting down').
let stdout: pino.DestinationStream | undefined;

export function createLogger(level: LogLevel = 'info', base: Fields = {}, write?: (line: string) => void): Logger {
  const destination: pino.DestinationStream = write
    ? { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) }
    : (stdout ??= pino.destination({ dest: 1, sync: true }));
  return wrap(
    pino(
      {
        level,
        base: redact(base) as Fields, // our fields instead of pid/hostname
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: {
          level: (label) => ({ level: label }),
          log: (fields) => redact(fields) as Fields,
        },
        // redact() has already made every Error a plain object; pino's default `err` serializer would redo it badly.
        serializers: { err: (value: unknown) => value },
      },
      destination,
    ),
  );
}

/** Our argument order (message, fields) onto pino's (fields, message). */
function wrap(log: pino.Logger): Logger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
    // pino applies formatters.bindings to the root bindings only, so child fields are redacted here.
    child: (fields) => wrap(log.child(redact(fields) as Fields)),
  };
}
