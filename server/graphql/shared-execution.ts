// Fan-out of one event to many subscribers, paying for GraphQL once per event.
//
// graphql-js executes a subscription's selection set once per event per subscriber, and
// graphql-ws then serialises each result for each socket: with 1,000 subscribers of a
// room, every message would be resolved and serialised 1,000 times. The message
// subscriptions' results do not depend on who is asking (no field of Message reads the
// context), so subscribers whose operations select the same fields share one execution
// and one serialised payload; each socket gets the frame
//   {"id":"<operation id>","type":"next","payload":<shared JSON>}
// written directly. Events are the very objects the pubsub hands to every listener in
// this process, so a WeakMap keyed by the event finds the first subscriber's result.
import {
  GraphQLError,
  Kind,
  createSourceEventStream,
  execute,
  getOperationAST,
  print,
  visit,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { WebSocket } from 'ws';
import { isAsyncIterable } from 'graphql-yoga';
import { LiveStream } from '../chat/live.js';
import { AppError } from '../errors.js';

/** Root subscription fields whose results are the same for every viewer. */
const VIEWER_INDEPENDENT = new Set(['messageAdded', 'roomActivity']);

/** Above this many bytes queued on a socket, replays wait for it to drain. */
const HIGH_WATER_BYTES = 1 << 20;
/** A socket this far behind on live messages is dropped from the room (it can resume with `after`). */
const MAX_BUFFERED_BYTES = 16 << 20;

/**
 * The key under which an operation's results may be shared, or undefined when they may
 * not. The root field's own arguments (room, after) choose the events, not their shape,
 * so they are not part of the key; variables used inside the selection are.
 */
export function shareKey(args: Pick<ExecutionArgs, 'document' | 'operationName' | 'variableValues'>): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return undefined;
  const [root, ...others] = operation.selectionSet.selections;
  if (others.length || root?.kind !== Kind.FIELD || !VIEWER_INDEPENDENT.has(root.name.value)) return undefined;
  if (root.directives?.length) return undefined;
  let usesVariablesOrFragments = false;
  if (root.selectionSet) {
    visit(root.selectionSet, {
      Variable: () => void (usesVariablesOrFragments = true),
      FragmentSpread: () => void (usesVariablesOrFragments = true),
    });
  }
  const shape = `${root.alias?.value ?? ''}:${root.name.value}${root.selectionSet ? print(root.selectionSet) : ''}`;
  return usesVariablesOrFragments ? `${print(args.document)}|${JSON.stringify(args.variableValues ?? {})}` : shape;
}

type MaskError = (error: unknown, message: string) => Error;

const masked = (result: ExecutionResult, maskError: MaskError): ExecutionResult =>
  result.errors
    ? { ...result, errors: result.errors.map((e) => maskError(e, 'Unexpected error.') as GraphQLError) }
    : result;

/** Serialised results, by event and share key. */
const payloads = new WeakMap<object, Map<string, Promise<string> | string>>();

function sharedPayload(event: object, key: string, run: () => Promise<string> | string) {
  let byKey = payloads.get(event);
  if (!byKey) payloads.set(event, (byKey = new Map()));
  let payload = byKey.get(key);
  if (payload === undefined) {
    payload = run();
    byKey.set(key, payload);
  }
  return payload;
}

export interface Sink {
  socket: WebSocket;
  /** The graphql-ws operation id. */
  id: string;
}

/**
 * graphql's subscribe() for a shareable operation: the source stream from the field's
 * subscribe resolver, then for each event the shared payload written to the socket as
 * a graphql-ws "next" frame. What it returns is what graphql-ws iterates: it yields
 * nothing itself, ends when the source ends, and fails (graphql-ws then sends "error")
 * when the source fails; graphql-ws's return() (client "complete" or socket closed)
 * stops the source.
 */
export async function subscribeShared(
  args: ExecutionArgs,
  key: string,
  maskError: MaskError,
  sink: Sink,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return masked(stream, maskError);
  const prefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
  // Executing the selection needs neither the context nor the envelope: graphql-ws keeps
  // `args` for the life of the subscription, so drop them (memory per subscriber).
  const { schema, document, operationName, variableValues } = args;
  args.contextValue = undefined;
  args.rootValue = undefined;
  const run = (event: object) => () => {
    const result = execute({ schema, document, operationName, variableValues, rootValue: event });
    const serialise = (r: ExecutionResult) => JSON.stringify(masked(r, maskError));
    return result instanceof Promise ? result.then(serialise) : serialise(result);
  };

  if (stream instanceof LiveStream) return pushDirectly(stream, key, run, prefix, sink.socket);

  const source = (stream as AsyncIterable<object>)[Symbol.asyncIterator]();

  const pumped = (async () => {
    for (;;) {
      const { done, value: event } = await source.next();
      if (done) return;
      let payload = sharedPayload(event, key, run(event));
      if (typeof payload !== 'string') payload = await payload;
      const frame = `${prefix}${payload}}`;
      if (sink.socket.bufferedAmount > HIGH_WATER_BYTES) {
        await new Promise<void>((resolve) => sink.socket.send(frame, () => resolve()));
      } else {
        sink.socket.send(frame);
      }
    }
  })();
  pumped.catch(() => {}); // reported through next() below

  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => pumped.then(() => ({ done: true as const, value: undefined })),
    return: async () => {
      await source.return?.();
      return { done: true as const, value: undefined };
    },
  };
  return iterator;
}

/**
 * The fast path for a room's messages: the stream calls back synchronously for every
 * message, and the frame is written at once — no per-subscriber async iteration.
 */
function pushDirectly(
  stream: LiveStream,
  key: string,
  run: (event: object) => () => Promise<string> | string,
  prefix: string,
  socket: WebSocket,
): AsyncIterableIterator<ExecutionResult> {
  const write = (payload: string): void | Promise<void> => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      stream.fail(new AppError('RATE_LIMITED', 'This connection fell too far behind. Subscribe again with `after`.'));
      return;
    }
    const frame = `${prefix}${payload}}`;
    if (socket.bufferedAmount > HIGH_WATER_BYTES) return new Promise((resolve) => socket.send(frame, () => resolve()));
    socket.send(frame);
  };
  // Executions are synchronous for these fields; should one not be, later messages queue
  // behind it so the order holds.
  let queue: Promise<void> | undefined;
  void stream.start((message) => {
    const payload = sharedPayload(message, key, run(message));
    if (typeof payload === 'string' && !queue) return write(payload);
    const step: Promise<void> = (queue ?? Promise.resolve()).then(async () => write(await payload));
    queue = step;
    void step.then(() => {
      if (queue === step) queue = undefined;
    });
    return step;
  });
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => stream.ended().then(() => ({ done: true as const, value: undefined })),
    return: async () => {
      stream.close();
      return { done: true as const, value: undefined };
    },
  };
  return iterator;
}
