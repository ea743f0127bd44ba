import { builder } from '../builder.js';
import { requireViewer } from '../context.js';
import { UserRef } from './user.js';
import type { ChatMessage } from '../../chat/message.js';

export const MessageRef = builder.objectRef<ChatMessage>('Message').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    room: t.exposeString('room'),
    seq: t.exposeInt('seq', { description: 'Position in the room: 1, 2, 3… with no holes.' }),
    // Up to MAX_MESSAGE_LENGTH characters: weighs as much as 10 small fields in the cost limit.
    content: t.exposeString('content', { extensions: { cost: 10 } }),
    sender: t.field({ type: UserRef, nullable: true, resolve: (m) => m.sender }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    clientId: t.exposeString('clientId', { nullable: true }),
  }),
});

builder.mutationField('sendMessage', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Stores a message and delivers it to the room. Sending again with the same clientId returns the stored message and delivers nothing new.',
    args: {
      room: t.arg.string({ required: true }),
      content: t.arg.string({ required: true }),
      clientId: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.chat.send({ ...args, sender: requireViewer(ctx) }),
  }),
);

builder.subscriptionField('messageAdded', (t) =>
  t.field({
    type: MessageRef,
    description:
      'New messages of a room. With `after: k`, first every stored message with seq > k, then live ones, with no gap and no duplicate.',
    args: {
      room: t.arg.string({ required: true }),
      after: t.arg.int({ required: false }),
    },
    subscribe: (_root, { room, after }, ctx) => ctx.chat.subscribe(room, after, ctx.ip ?? 'unknown'),
    resolve: (message) => message,
  }),
);

builder.subscriptionField('roomActivity', (t) =>
  t.field({
    type: MessageRef,
    description: 'Every new message in any room, live only: for keeping a list of rooms up to date.',
    subscribe: (_root, _args, ctx) => ctx.chat.activity(),
    resolve: (message) => message,
  }),
);
