// One room's messages for one subscriber: replay from the database, then live from the
// pubsub, merged in seq order with no gap and no duplicate.
//
// 1. Subscribe to the room's channel first (so nothing published from now on is missed).
// 2. With `after`, replay stored messages seq > after, page by page.
// 3. Then each live message: drop it if its seq was already delivered; if it skips
//    seqs (a publish was lost, or it overtook a replay), fetch the missing ones from
//    the database first. Seq n committed means 1…n-1 are committed too (each send
//    locks the room row), so the gap is always there to fetch.
// All of it runs on one promise chain, so deliveries happen in order, and each waits
// until the subscriber took the previous one (backpressure for long replays).
import { Repeater } from '@repeaterjs/repeater';
import type { ChatPubSub } from '../pubsub/index.js';
import type { Logger } from '../log.js';
import type { ChatMessage } from './message.js';
import type { Metrics } from '../metrics.js';

const REPLAY_PAGE = 200;

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

    const onLive = async (message: ChatMessage) => {
      if (last !== undefined && message.seq <= last) return; // already delivered
      if (last !== undefined && message.seq > last + 1) await catchUp(message.seq);
      if (last !== undefined && message.seq <= last) return;
      await deliver(message);
    };

    const fail = (err: unknown) => {
      deps.log.error({ err, room }, 'subscription failed');
      stop(err instanceof Error ? err : new Error(String(err)));
    };

    let subscribed!: () => void;
    let chain = new Promise<void>((resolve) => (subscribed = resolve));
    if (after !== undefined) chain = chain.then(() => catchUp()).catch(fail);

    const unsubscribe = await deps.pubsub.subscribe(room, (message) => {
      chain = chain.then(() => onLive(message)).catch(fail);
    });
    subscribed();
    deps.metrics.subscriptions.inc();
    await stop;
    deps.metrics.subscriptions.dec();
    unsubscribe();
  });
}
