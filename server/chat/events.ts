// Room events: every change to a room takes the room's next version (1, 2, 3… no holes)
// in the transaction that makes it, and is published as one of these after the commit.
// roomEvents subscribers get them in version order; messageAdded subscribers get the
// message of each (a message posted, at its seq).
//
// Read back from the database (a replay, a gap filled) an event shows the message as it
// is now, at the version of its newest change: a message edited later replays as edited,
// one deleted later as a tombstone (content ""), so deleted content is never served again.
import type { ChatMessage } from './message.js';
import type { Visibility } from './store/reads.js';

export type MessageEventKind = 'posted' | 'edited' | 'deleted';

export interface MessageEvent {
  kind: MessageEventKind;
  room: string;
  version: number;
  message: ChatMessage;
  /** The room's visibility, on published events (roomActivity shows non-public rooms to members only). */
  visibility?: Visibility;
}

/** Someone joined or left the room (membership changes are room events too). */
export interface MemberEvent {
  kind: 'joined' | 'left';
  room: string;
  version: number;
  user: { id: string; username: string; role: string } | null;
  visibility?: Visibility;
}

/** Every event stored in a room's log (what the bus carries). */
export type StoredEvent = MessageEvent | MemberEvent;

export const isMessageEvent = (event: StoredEvent): event is MessageEvent => 'message' in event;

/** Sent instead of a replay longer than MAX_REPLAY_EVENTS: reload, then go on from `version`. */
export interface ResyncEvent {
  kind: 'resync';
  room: string;
  version: number;
}

export type RoomEvent = StoredEvent | ResyncEvent;

/** The event a stored message stands for now (its newest change). */
export function eventOf(message: ChatMessage): MessageEvent {
  const kind: MessageEventKind = message.deletedAt ? 'deleted' : message.editedAt ? 'edited' : 'posted';
  return { kind, room: message.room, version: message.version, message };
}
