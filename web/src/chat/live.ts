// A room's changes: roomEvents(after: version). On a reconnect graphql-ws re-subscribes
// with the then-current `resumeAfter()` (graphql/resume.ts), so nothing between the last
// change applied and the new connection is missed. A subscription the server ends with an
// error while the socket stays up (FELL_BEHIND, UNAVAILABLE) is started again the same
// way, after a backoff pause.
import type { Client } from '@urql/core';
import { RoomEventsSubscription } from '../graphql/documents';
import type { RoomEventsSubscription as RoomEventsResult } from '../gql/graphql';
import { backoffDelay } from '../connection';

export type RoomEvent = RoomEventsResult['roomEvents'];

export function subscribeRoomEvents(
  client: Client,
  room: string,
  resumeAfter: () => number,
  onEvent: (event: RoomEvent) => void,
): { unsubscribe(): void } {
  let current: { unsubscribe(): void } | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;

  const start = () => {
    retry = undefined;
    current = client
      .subscription(RoomEventsSubscription, { room, after: resumeAfter() }, { resume: () => ({ after: resumeAfter() }) })
      .subscribe((result) => {
        // urql merges an error into the previous result, so its data may be the last event
        // again: the caller ignores events at or below the version it holds.
        if (result.data) onEvent(result.data.roomEvents);
        if (result.data && !result.error) failures = 0;
        if (result.error && !stopped && !retry) {
          current?.unsubscribe();
          retry = setTimeout(start, backoffDelay(failures++));
        }
      });
  };
  start();

  return {
    unsubscribe() {
      stopped = true;
      clearTimeout(retry);
      current?.unsubscribe();
    },
  };
}
