// A room's live messages: messageAdded(after: lastSeq). On a reconnect graphql-ws
// re-subscribes with the then-current `resumeAfter()` (graphql/resume.ts), so nothing
// between the last message held and the new connection is missed.
import type { Client } from '@urql/core';
import { MessageAddedSubscription, type Message } from '../graphql/documents';

export function subscribeLive(
  client: Client,
  room: string,
  resumeAfter: () => number,
  onMessage: (message: Message) => void,
): { unsubscribe(): void } {
  return client
    .subscription(MessageAddedSubscription, { room, after: resumeAfter() }, { resume: () => ({ after: resumeAfter() }) })
    .subscribe((result) => {
      if (result.data) onMessage(result.data.messageAdded);
    });
}
