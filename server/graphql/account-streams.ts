// Subscriptions over HTTP (server-sent events) of a signed-in user end when an admin
// disables the account, on every process: the stream gets one FORBIDDEN error and is
// closed. (WebSockets are closed by ws.ts; both learn of it from auth/user-connections.ts.)
import { Repeater } from '@repeaterjs/repeater';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import type { UserConnections } from '../auth/user-connections.js';

import { accountDisabled } from '../auth/sessions.js';

/** A fresh one each time (error masking reads originalError: an AppError keeps its message and code). */
const disabled = (): ExecutionResult => {
  const err = accountDisabled();
  return { errors: [new GraphQLError(err.message, { originalError: err })] };
};

export function useEndStreamsOfDisabledAccounts(connections: UserConnections): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue;
      const userId = ctx.auth?.viewer.id;
      if (!ctx.http || !userId) return; // anonymous, or over WebSocket
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          const source = result[Symbol.asyncIterator]();
          setResult(
            new Repeater<ExecutionResult>(async (push, stop) => {
              const untrack = connections.add(userId, (change) => {
                if (!change.disabled) return;
                void push(disabled());
                stop();
              });
              void stop.then(() => {
                untrack();
                void source.return?.();
              });
              for (;;) {
                const next = await Promise.race([source.next(), stop.then(() => ({ done: true, value: undefined }))]);
                if (next.done) break;
                await push(next.value as ExecutionResult);
              }
              stop();
            }),
          );
        },
      };
    },
  };
}
