// What the bench sends and what it checks on arrival, shared by the sender (main
// thread) and the subscriber workers.
//
// Clock: process.hrtime (CLOCK_MONOTONIC), which is one clock for every thread and
// every process on the machine, so a timestamp taken in the sender and one taken in a
// subscriber worker can be subtracted directly.

/** graphql: subscribers on messageAdded; events: the same server, subscribers on roomEvents; bare: a plain ws broadcast. */
export type Target = 'graphql' | 'events' | 'bare';

/** Whether a target is the chat server (graphql and events are; bare is not). */
export const isChatServer = (target: Target) => target !== 'bare';

// Slots of the Int32 progress array each subscriber worker shares with the main thread.
export const P_RECEIVED = 0; // unique deliveries
export const P_WARM = 1; // connections that received a warm-up message
export const P_OPEN = 2; // open connections
export const P_FAILED = 3; // connections that failed or closed before the end

/** Milliseconds on the machine-wide monotonic clock, with sub-ms precision. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const DEFAULT_SELECTION = 'id seq content sender { username } createdAt';

/** The subscription the subscribers run; the selection must include seq and content. */
export const subscriptionQuery = (selection = DEFAULT_SELECTION, field: 'messageAdded' | 'roomEvents' = 'messageAdded') =>
  field === 'roomEvents'
    ? `subscription Bench($room: String!) {
  roomEvents(room: $room) { __typename version ... on MessagePosted { message { ${selection} } } }
}`
    : `subscription Bench($room: String!) {
  messageAdded(room: $room) { ${selection} }
}`;

export const SEND_MUTATION = `mutation BenchSend($room: String!, $content: String!, $clientId: String) {
  sendMessage(room: $room, content: $content, clientId: $clientId) { id seq }
}`;

export const GRAPHQL_WS_PROTOCOL = 'graphql-transport-ws';

// Content of a measured message: "b:<runId>:<index>:<sendTimeMs>:<padding>".
// Content of a warm-up message:   "w:<runId>:<k>".
export function benchContent(runId: string, index: number, sentAt: number, size: number): string {
  const head = `b:${runId}:${index}:${sentAt.toFixed(3)}:`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export function warmupContent(runId: string, k: number): string {
  return `w:${runId}:${k}`;
}

/** A delivery as the subscriber sees it (graphql-ws "next" payload of messageAdded). */
export interface Delivered {
  seq: number;
  content: string;
}

/**
 * The frame the bare baseline sends: byte-for-byte the same shape as the graphql-ws
 * `next` frame the GraphQL server sends for messageAdded, so subscribers do the same
 * parsing work against both servers.
 */
export function bareFrame(seq: number, content: string, username: string): string {
  return JSON.stringify({
    id: '1',
    type: 'next',
    payload: {
      data: {
        messageAdded: {
          id: `bare${seq.toString(36).padStart(21, '0')}`,
          seq,
          content,
          sender: { username },
          createdAt: new Date().toISOString(),
        },
      },
    },
  });
}
