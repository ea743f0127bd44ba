// Resumable subscriptions. graphql-ws re-sends a subscription's payload when it reconnects;
// an operation whose context has `resume` gets its variables from that function each time
// the payload is sent, so `roomEvents(room, after: version)` resumes after the last change
// the page applied instead of from where it started.
import type { Operation, SubscriptionOperation as FetchBody } from '@urql/core';

declare module '@urql/core' {
  interface OperationContext {
    /** Variables to merge over the operation's own each time it is (re)subscribed. */
    resume?: () => Record<string, unknown>;
  }
}

export interface SubscribePayload {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

export function resumablePayload(request: FetchBody, operation: Operation): SubscribePayload {
  const base = { ...request, query: request.query ?? '' } as SubscribePayload;
  const resume = operation.context.resume;
  if (!resume) return base;
  return Object.defineProperty(base, 'variables', {
    enumerable: true,
    get: () => ({ ...(request.variables as Record<string, unknown> | undefined), ...resume() }),
  });
}
