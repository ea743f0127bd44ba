// The errors users see. Services throw AppError; each transport maps `code` to its own
// form (GraphQL extensions.code, an HTTP status). Anything else
// is a bug or an outage: logged, and shown to users only as "Unexpected error".
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** A subscriber too slow for what it was sent; `resumeAfter` says where to start again. */
  | 'FELL_BEHIND'
  | 'UNAVAILABLE';

export const httpStatus: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  FELL_BEHIND: 429,
  UNAVAILABLE: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable facts (field name, retry delay…), passed on to clients. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** What a client is told when something failed that is not its doing (the cause is logged). */
export const UNAVAILABLE_MESSAGE = 'The service is unavailable right now. Please try again.';

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('BAD_USER_INPUT', message, details);
