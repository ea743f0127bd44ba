// One room's messages for one subscriber: replay from the database, then live from the
// pubsub, merged in seq order with no gap and no duplicate.
//
// 1. Subscribe to the room's channel first (so nothing published from now on is missed).
// 2. With `after`, replay stored messages seq > after, page by page.
// 3. Then each live message: drop it if its seq was already delivered; deliver it if it
//    is the next one. If it skips seqs, hold it: concurrent sends can publish slightly
//    out of order, so the missing ones usually arrive within milliseconds. If they have
//    not arrived after GAP_WAIT_MS (a publish was lost, e.g. Redis was down), fetch them
//    from the database. Seq n committed means 1…n-1 are committed too (each send locks
//    the room row), so the gap is always there to fetch.
// All of it runs on one promise chain, so deliveries happen in order, and each waits
// until the subscriber took the previous one (backpressure for long replays).
import { Repeater } from '@repeaterjs/repeater';
import type { ChatPubSub } from '../pubsub/index.js';
import type { Logger } from '../log.js';
import type { ChatMessage } from './message.js';
import type { Metrics } from '../metrics.js';

const REPLAY_PAGE = 200;
export const GAP_WAIT_MS = 150;

export interface LiveDeps {
  pubsub: ChatPubSub;
  since(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]>;
  log: Logger;
  metrics: Pick<Metrics, 'deliveries' | 'subscriptions'>;
}

export function liveMessages(deps: LiveDeps, room: string, after?: number): AsyncIterableIterator<ChatMessage> {
  return new Repeater<ChatMessage>(async (push, stop) => {
    let stopped = false;
    void stop.then(() => (stopped = true));
    let last = after; // seq of the last message delivered (undefined: nothing yet, live only)
    const held = new Map<number, ChatMessage>(); // arrived ahead of a missing seq
    let gapTimer: NodeJS.Timeout | undefined;

    const deliver = async (message: ChatMessage) => {
      if (stopped) return;
      await push(message);
      last = message.seq;
      deps.metrics.deliveries.inc();
    };

    // Delivers stored messages with last < seq < upTo (upTo undefined: all of them).
    const catchUp = async (upTo?: number) => {
      while (!stopped && last !== undefined) {
        const batch = await deps.since(room, last, REPLAY_PAGE);
        for (const message of batch) {
          if (upTo !== undefined && message.seq >= upTo) return;
          await deliver(message);
        }
        if (batch.length < REPLAY_PAGE) return;
      }
    };

    // Delivers held messages that are next in line; forgets ones already delivered.
    const releaseHeld = async () => {
      for (const seq of held.keys()) if (last !== undefined && seq <= last) held.delete(seq);
      while (last !== undefined && held.has(last + 1)) {
        const next = held.get(last + 1)!;
        held.delete(next.seq);
        await deliver(next);
      }
      if (held.size === 0) {
        clearTimeout(gapTimer);
        gapTimer = undefined;
      } else if (!gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = undefined;
          enqueue(fillGap);
        }, GAP_WAIT_MS);
      }
    };

    // The missing seqs did not come live: read everything up to the newest held one.
    const fillGap = async () => {
      if (held.size === 0) return;
      await catchUp(Math.max(...held.keys()) + 1);
      await releaseHeld();
    };

    const onLive = async (message: ChatMessage) => {
      if (last === undefined || message.seq === last + 1) {
        await deliver(message);
      } else if (message.seq > last + 1) {
        held.set(message.seq, message);
      } // else: already delivered
      await releaseHeld();
    };

    const fail = (err: unknown) => {
      deps.log.error({ err, room }, 'subscription failed');
      stop(err instanceof Error ? err : new Error(String(err)));
    };
    let subscribed!: () => void;
    let chain = new Promise<void>((resolve) => (subscribed = resolve));
    const enqueue = (step: () => Promise<void>) => {
      chain = chain.then(step).catch(fail);
    };

    if (after !== undefined) enqueue(() => catchUp());
    const unsubscribe = await deps.pubsub.subscribe(room, (message) => enqueue(() => onLive(message)));
    subscribed();
    deps.metrics.subscriptions.inc();
    await stop;
    clearTimeout(gapTimer);
    deps.metrics.subscriptions.dec();
    unsubscribe();
  });
}
