// A room's history, paged backwards: the newest 50 first, then messages(last: 50,
// before: startCursor) each time the reader asks for older ones. The first page comes with
// the room's version, read by the server before the page: the room's events resume after
// it, so no change is missed (one the page already shows comes again, and is ignored).
import { createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { RoomMessagesQuery, type Message } from '../graphql/documents';
import type { RoomVisibility } from '../gql/graphql';

export interface RoomInfo {
  visibility: RoomVisibility;
  topic: string | null;
  /** Whether the viewer may set the topic (the server's rule: setRoomTopic). */
  canSetTopic: boolean;
  /** The viewer's read position (null: not a member, or anonymous). */
  lastReadSeq: number | null;
}

type FirstPage =
  | {
      ok: true;
      messages: Message[];
      /** The room's version as of the page (resume its events after it). */
      version: number;
      /** What the page says about the room: for a private room the viewer is not in, that of an unused one. */
      info: RoomInfo;
    }
  | { ok: false; message?: string };

export function createHistory(client: Client, name: string) {
  const [hasOlder, setHasOlder] = createSignal(false);
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  let startCursor: string | null | undefined;
  // A first page loaded again (a resync) starts the paging over: an older page asked for
  // before it no longer joins up with what is held.
  let generation = 0;

  async function first(): Promise<FirstPage> {
    generation++;
    const result = await client.query(RoomMessagesQuery, { name }).toPromise();
    const room = result.data?.room;
    if (!room) return { ok: false, message: result.error?.graphQLErrors[0]?.message };
    const messages = room.messages.edges.map((e) => e.node);
    startCursor = room.messages.pageInfo.startCursor;
    setHasOlder(room.messages.pageInfo.hasPreviousPage);
    const info = {
      visibility: room.visibility,
      topic: room.topic ?? null,
      canSetTopic: room.viewerCanSetTopic,
      lastReadSeq: room.viewerMembership?.lastReadSeq ?? null,
    };
    return { ok: true, messages, version: room.version, info };
  }

  /** The page before the oldest one held; undefined when there is none or it failed. */
  async function older(): Promise<Message[] | undefined> {
    if (loadingOlder() || !hasOlder()) return;
    setLoadingOlder(true);
    const asked = generation;
    try {
      const result = await client.query(RoomMessagesQuery, { name, before: startCursor ?? null }).toPromise();
      const connection = result.data?.room?.messages;
      if (!connection || asked !== generation) return;
      startCursor = connection.pageInfo.startCursor ?? startCursor;
      setHasOlder(connection.pageInfo.hasPreviousPage);
      return connection.edges.map((e) => e.node);
    } finally {
      setLoadingOlder(false);
    }
  }

  return { first, older, hasOlder, loadingOlder };
}
