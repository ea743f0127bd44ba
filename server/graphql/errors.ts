// How errors reach GraphQL clients. An AppError keeps its message and gets its code in
// extensions.code (plus its details); anything else is masked as "Unexpected error."
// and logged, so internals never leak. An AppError the user caused (bad input, wrong
// password, rate limit, forbidden…) is expected: counted in metrics, not logged as an
// error (expectedError).
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';

export const createMaskError = (metrics: Metrics) => (error: unknown, message: string, isDev?: boolean): Error => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof AppError) {
    metrics.errors.inc({ code: original.code });
    const gql = error instanceof GraphQLError ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: gql?.nodes,
      source: gql?.source,
      positions: gql?.positions,
      path: gql?.path,
      extensions: { code: original.code, ...original.details },
    });
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
