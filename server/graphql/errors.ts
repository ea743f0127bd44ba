// How errors reach GraphQL clients. An AppError keeps its message and gets its code in
// extensions.code (plus its details); anything else is masked as "Unexpected error."
// and logged, so internals never leak. An AppError the user caused (bad input, wrong
// password, rate limit, forbidden…) is expected: counted in metrics, not logged as an
// error (expectedError).
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { AppError, httpStatus } from '../errors.js';
import type { Metrics } from '../metrics.js';

/**
 * An AppError as GraphQL clients see it: its message, `extensions.code` and its details;
 * with `withStatus`, also the HTTP status of its code (for errors raised before execution).
 */
export function toGraphQLError(err: AppError, at?: GraphQLError, withStatus = false): GraphQLError {
  return new GraphQLError(err.message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    extensions: { code: err.code, ...err.details, ...(withStatus ? { http: { status: httpStatus[err.code] } } : {}) },
  });
}

export const createMaskError = (metrics: Metrics) => (error: unknown, message: string, isDev?: boolean): Error => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof AppError) {
    metrics.errors.inc({ code: original.code });
    return toGraphQLError(original, error instanceof GraphQLError ? error : undefined);
  }
  // Errors the client caused (syntax, validation) are not ours to count.
  if (!(error instanceof GraphQLError && !error.originalError)) metrics.errors.inc({ code: 'INTERNAL' });
  return yogaMaskError(error, message, isDev);
};

/** The AppError behind `error` when the user caused it and was told (any code but UNAVAILABLE): not a fault to log. */
export function expectedError(error: unknown): AppError | undefined {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return original instanceof AppError && original.code !== 'UNAVAILABLE' ? original : undefined;
}
