// Room events in the schema: every change to a room, in version order, for clients that
// keep a room's messages up to date (posted, edited, deleted) and resume after a drop.
import { builder } from '../builder.js';
import type { MemberEvent, MessageEvent, ResyncEvent, RoomEvent } from '../../chat/events.js';
import { MessageRef } from './message.js';
import { UserRef } from './user.js';

const typeName = {
  posted: 'MessagePosted',
  edited: 'MessageEdited',
  deleted: 'MessageDeleted',
  joined: 'MemberJoined',
  left: 'MemberLeft',
  resync: 'ResyncRequired',
} as const;

export const RoomEventRef = builder.interfaceRef<RoomEvent>('RoomEvent').implement({
  description: "A change to a room. `version` is the room's counter of changes: 1, 2, 3… with no holes.",
  fields: (t) => ({
    room: t.exposeString('room'),
    version: t.exposeInt('version'),
  }),
  resolveType: (event) => typeName[event.kind],
});

const messageEvent = (name: string, description: string) =>
  builder.objectRef<MessageEvent>(name).implement({
    description,
    interfaces: [RoomEventRef],
    fields: (t) => ({
      message: t.field({ type: MessageRef, resolve: (e) => e.message }),
    }),
  });

messageEvent('MessagePosted', 'A message was sent. Replayed, it shows the message as it is now.');
messageEvent('MessageEdited', "A message's content changed (message.editedAt is set).");
messageEvent('MessageDeleted', 'A message was deleted: message is its tombstone (content "", deletedAt set).');

const memberEvent = (name: string, description: string) =>
  builder.objectRef<MemberEvent>(name).implement({
    description,
    interfaces: [RoomEventRef],
    fields: (t) => ({
      user: t.field({ type: UserRef, nullable: true, description: 'null: the account no longer exists.', resolve: (e) => e.user }),
    }),
  });

memberEvent('MemberJoined', 'Someone joined the room (or was added to it).');
memberEvent('MemberLeft', 'Someone left the room (or was removed from it).');

builder.objectRef<ResyncEvent>('ResyncRequired').implement({
  description:
    'The subscriber was more than MAX_REPLAY_EVENTS changes behind, so they were not replayed: reload the newest page of history (it is current as of `version`); the live events after `version` follow on this subscription.',
  interfaces: [RoomEventRef],
  fields: () => ({}),
});

builder.subscriptionField('roomEvents', (t) =>
  t.field({
    type: RoomEventRef,
    description:
      'Every change to a room: messages posted, edited and deleted, members joined and left. With `after: v`, first every change after version v (each message as it is now: one deleted since replays as its tombstone), then live ones, with no gap and no duplicate. More than MAX_REPLAY_EVENTS behind: one ResyncRequired, then live events.',
    args: {
      room: t.arg.string({ required: true }),
      after: t.arg.int({ required: false }),
    },
    subscribe: (_root, { room, after }, ctx) => ctx.chat.events(room, after, ctx.ip ?? 'unknown', ctx.auth?.viewer),
    resolve: (event) => event,
  }),
);
