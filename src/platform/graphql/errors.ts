import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
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
    if (isDatabaseUnavailable(original)) {
      logger.warn('database unavailable during a GraphQL operation', { error: original, path: formatted.path });
      return {
        message: 'The database is unavailable; retry later',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: SERVICE_UNAVAILABLE, retryable: true },
      };
    }
    // Apollo's own request errors that carry no code.
    if (formatted.message === 'provided sha does not match query') {
      return {
        message: 'extensions.persistedQuery.sha256Hash does not match the query',
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
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

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/**
 * An Apollo plugin: a response whose errors are all SERVICE_UNAVAILABLE (and that has no data to show) gets HTTP
 * 503, so clients and proxies that look only at the status retry it too.
 */
export const unavailableStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { errors, data } = response.body.singleResult;
        const allUnavailable = !!errors?.length && errors.every((e) => e.extensions?.code === SERVICE_UNAVAILABLE);
        const noData = !data || Object.values(data).every((v) => v === null);
        if (allUnavailable && noData) response.http.status = 503;
      },
    };
  },
};
