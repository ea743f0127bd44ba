// The serial delivery queue: outbox items are sent one after another, so a room's messages
// keep their order. Each attempt ends in one of three outcomes:
//   sent       the server stored it (the transient-failure count starts again at 0)
//   transient  a network error or a 5xx: while the socket still looks connected, everything
//              waiting is tried again after a backoff pause that grows with each failure in
//              a row; otherwise the reconnect flushes the queue
//   refused    the server said no (bad input, rate limit, …): the item waits for the user
import type { CombinedError } from '@urql/core';

export type DeliveryOutcome = 'sent' | 'transient' | 'refused';

/** How a mutation result counts for the queue. */
export function outcomeOf(result: { data?: unknown; error?: CombinedError }): DeliveryOutcome {
  if (result.data) return 'sent';
  const error = result.error;
  if (error?.networkError) return 'transient';
  const status = (error?.response as Response | undefined)?.status;
  return status !== undefined && status >= 500 ? 'transient' : 'refused';
}

interface DeliveryQueueOptions {
  /** Sends one item; undefined when there is nothing (left) to send for that id. */
  attempt(clientId: string): Promise<DeliveryOutcome | undefined>;
  /** The ids a flush sends, in order (everything not refused). */
  waiting(): string[];
  /** Whether a retry after a pause makes sense (false: the reconnect will flush). */
  connected(): boolean;
  /** The pause before retry number `failures` (0 for the first), in ms. */
  backoff(failures: number): number;
  timers?: { set(run: () => void, ms: number): unknown; clear(handle: unknown): void };
}

export function createDeliveryQueue(options: DeliveryQueueOptions) {
  const timers = options.timers ?? {
    set: (run: () => void, ms: number) => setTimeout(run, ms),
    clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  let tail: Promise<void> = Promise.resolve();
  let retryTimer: unknown;
  let failures = 0;
  let stopped = false;

  function scheduleRetry() {
    timers.clear(retryTimer);
    retryTimer = undefined;
    if (!options.connected()) return;
    retryTimer = timers.set(flush, options.backoff(failures++));
  }

  /** Queues one item behind the ones already under way; resolves when its attempt is done. */
  function deliver(clientId: string): Promise<void> {
    tail = tail.then(async () => {
      if (stopped) return;
      const outcome = await options.attempt(clientId);
      if (stopped) return;
      if (outcome === 'sent') failures = 0;
      else if (outcome === 'transient') scheduleRetry();
    });
    return tail;
  }

  /** Queues everything waiting (after a reconnect, a backoff pause, or a restore). */
  function flush() {
    for (const clientId of options.waiting()) void deliver(clientId);
  }

  return {
    deliver,
    flush,
    stop() {
      stopped = true;
      timers.clear(retryTimer);
    },
  };
}
