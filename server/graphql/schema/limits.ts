// The `limits` query: the server's configured limits that a client should know before it
// sends, so the web composer can say a message is too long instead of guessing.
import { builder } from '../builder.js';

interface LimitsShape {
  maxMessageLength: number;
}

const LimitsRef = builder.objectRef<LimitsShape>('Limits').implement({
  fields: (t) => ({
    maxMessageLength: t.exposeInt('maxMessageLength', {
      description: 'The longest message content accepted, in Unicode code points (MAX_MESSAGE_LENGTH).',
    }),
  }),
});

builder.queryField('limits', (t) =>
  t.field({
    type: LimitsRef,
    description: 'Limits this server applies to what clients send.',
    resolve: (_root, _args, ctx) => ({ maxMessageLength: ctx.config.MAX_MESSAGE_LENGTH }),
  }),
);
