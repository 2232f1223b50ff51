import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { DEFAULT_QUERY_LIMITS, QUERY_TOO_COMPLEX, tokenLimitError, type QueryLimits } from './limits.js';

/**
 * Maps domain errors to GraphQL errors with `extensions.code` (BAD_USER_INPUT, NOT_FOUND, CONFLICT, ...).
 * Unexpected errors are logged and answered as INTERNAL_SERVER_ERROR without internals.
 */
export function formatError(logger: Logger, limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Over a query limit: Apollo files these under GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED; say which.
    if (formatted.extensions?.limit) {
      return { message: formatted.message, extensions: { ...formatted.extensions, code: QUERY_TOO_COMPLEX } };
    }
    const tokens = formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && tokenLimitError(formatted.message, limits);
    if (tokens) return { message: tokens.message, extensions: tokens.extensions };
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: original.code, ...(original.details ?? {}) },
      };
    }
    const code = formatted.extensions?.code;
    if (code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    logger.error('unhandled error in GraphQL operation', { error: original, path: formatted.path });
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
