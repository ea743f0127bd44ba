// Messages in the schema: the Message type, sending, editing and deleting (all through
// chat/service.ts), a message by id with its edit history, and the message streams.
import { builder } from '../builder.js';
import { requireViewer } from '../context.js';
import { AppError } from '../../errors.js';
import { UserRef } from './user.js';
import type { ChatMessage } from '../../chat/message.js';
import type { MessageEditEntry } from '../../chat/store.js';

const MessageEditRef = builder.objectRef<MessageEditEntry>('MessageEdit').implement({
  description: 'One edit of a message: the content it had before, who changed it and when.',
  fields: (t) => ({
    content: t.exposeString('content', { description: 'The content before this edit.', extensions: { cost: 10 } }),
    editedAt: t.expose('editedAt', { type: 'DateTime' }),
    editor: t.field({ type: UserRef, nullable: true, resolve: (e) => e.editor }),
  }),
});

export const MessageRef = builder.objectRef<ChatMessage>('Message').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    room: t.exposeString('room'),
    seq: t.exposeInt('seq', { description: 'Position in the room: 1, 2, 3… with no holes.' }),
    version: t.exposeInt('version', { description: "The room version of this message's newest change (posted, edited or deleted)." }),
    // Up to MAX_MESSAGE_LENGTH characters: weighs as much as 10 small fields in the cost limit.
    content: t.exposeString('content', { description: '"" once the message is deleted.', extensions: { cost: 10 } }),
    sender: t.field({ type: UserRef, nullable: true, resolve: (m) => m.sender }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true, description: 'When the content was last edited (null: never).' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When the message was deleted (null: it was not).' }),
    clientId: t.exposeString('clientId', { nullable: true }),
    mentions: t.field({
      type: [UserRef],
      description: 'Users the content mentions (@username), resolved when it was stored; names that are no account stay plain text.',
      resolve: (m) => m.mentions,
    }),
    edits: t.field({
      type: [MessageEditRef],
      nullable: true,
      description:
        "The message's previous contents, oldest first (empty: never edited; a deleted message keeps none). Its author and admins only (FORBIDDEN otherwise); not available in subscriptions.",
      extensions: { cost: 20 },
      resolve: (m, _args, ctx, info) => {
        // Subscription results are shared by every subscriber (delivery/broadcast.ts): nothing per viewer there.
        if (info.operation.operation === 'subscription' || !ctx) {
          throw new AppError('BAD_USER_INPUT', 'Edit history is not available in subscriptions: query message(id) { edits } for it.');
        }
        const viewer = requireViewer(ctx);
        if (m.sender?.id !== viewer.id && viewer.role !== 'admin') {
          throw new AppError('FORBIDDEN', "Only a message's author and admins can read its edit history.");
        }
        return ctx.store.edits(m.id);
      },
    }),
  }),
});

builder.queryField('message', (t) =>
  t.field({
    type: MessageRef,
    nullable: true,
    description: 'A message by id (null: no such message). A deleted message is its tombstone.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.chat.message(String(id), ctx.auth?.viewer),
  }),
);

builder.mutationFields((t) => ({
  editMessage: t.field({
    type: MessageRef,
    description:
      'Replaces the content of a message (its author only; the same content rules as sending). The previous content is kept in `edits`. Editing to the same content changes nothing; a deleted message cannot be edited (CONFLICT).',
    args: { id: t.arg.id({ required: true }), content: t.arg.string({ required: true }) },
    resolve: (_root, { id, content }, ctx) => ctx.chat.edit(String(id), content, requireViewer(ctx)),
  }),
  deleteMessage: t.field({
    type: MessageRef,
    description:
      'Deletes a message (its author, or an admin: the moderation log records it) and returns the tombstone: content "" and deletedAt set, in place, everywhere. Deleting it again changes nothing.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.chat.delete(String(id), requireViewer(ctx)),
  }),
}));

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
      'New messages of a room. With `after: k`, first every stored message with seq > k, then live ones, with no gap and no duplicate. Edits and deletions are not sent here (see roomEvents); a replayed message shows as it is now (a deleted one as its tombstone).',
    args: {
      room: t.arg.string({ required: true }),
      after: t.arg.int({ required: false }),
    },
    subscribe: (_root, { room, after }, ctx) => ctx.chat.subscribe(room, after, ctx.ip ?? 'unknown', ctx.auth?.viewer),
    resolve: (message) => message,
  }),
);

builder.subscriptionField('roomActivity', (t) =>
  t.field({
    type: MessageRef,
    description:
      'Every message posted, edited or deleted in the rooms the viewer may see (public rooms, and private and direct ones they are a member of), live only: for keeping a list of rooms up to date. Each comes as it is after the change: an edit with `editedAt` set, a deletion as its tombstone (`deletedAt` set, content ""), so a message already shown (same id, higher `version`) is to be replaced, not counted again.',
    subscribe: (_root, _args, ctx) => ctx.chat.activity(ctx.auth?.viewer),
    resolve: (message) => message,
  }),
);
