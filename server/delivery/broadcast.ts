// Step 4 of delivery: from a subscriber's stream to its socket, paying for GraphQL once
// per event however many sockets receive it.
//
// graphql-js executes a subscription's selection set once per event per subscriber, and
// graphql-ws then serialises each result for each socket: with 1,000 subscribers of a
// room, every message would be resolved and serialised 1,000 times. The room event
// subscriptions' results do not depend on who is asking (no field below them reads the
// context), so subscribers whose operations select the same fields share one execution
// and one serialised payload (keyed by the event object, which the room feed hands to
// every subscriber of the process); each socket gets the graphql-ws frame
//   {"id":"<operation id>","type":"next","payload":<shared JSON>}
// written directly. Streams that can push (see PushStream) are written as events arrive,
// without an async iteration per subscriber; any other stream is pumped.
//
// A socket is written to while it takes what it is sent: during a replay the stream
// waits once BEHIND_BYTES are queued on the socket; live events are dropped for a socket
// whose queue passes MAX_SOCKET_BUFFERED_BYTES or whose address's sockets together pass
// their budget (client-budget.ts): the stream ends with FELL_BEHIND and its resume point.
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
import { MessageType } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { isAsyncIterable } from 'graphql-yoga';
import { BEHIND_BYTES, type ClientBudgets } from './client-budget.js';

/** A socket with this much queued is dropped from its streams (it resumes with `after`). */
const MAX_SOCKET_BUFFERED_BYTES = 4 << 20;

/** What broadcast needs of a stream that can push its events (live-stream.ts is one). */
export interface PushStream<T = object> {
  /** Calls `deliver` for each event, in order; a promise from `deliver` means "wait". */
  pushTo(deliver: (event: T) => void | Promise<void>): Promise<void>;
  /** Settles when the stream ends; rejects with the reason it failed. */
  ended(): Promise<void>;
  close(): void;
  /** Ends the stream with an error the subscriber sees. */
  fail(err: unknown): void;
  /** The error for a subscriber that fell behind (with where to resume). */
  behind(): Error;
}

const isPushStream = (stream: object): stream is PushStream =>
  typeof (stream as Partial<PushStream>).pushTo === 'function';

/**
 * The key under which an operation's results may be shared, or undefined when they may
 * not. The root field's own arguments (room, after) choose the events, not their shape,
 * so they are not part of the key; what shapes the result is: the root field's alias and
 * selection, the fragments it spreads, directives, and the values of the variables used
 * inside the selection (not those only passed to the root field's arguments).
 */
export function shareKey(
  args: Pick<ExecutionArgs, 'document' | 'operationName' | 'variableValues'>,
  shareable: ReadonlySet<string>,
): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== 'subscription') return undefined;
  const [root, ...others] = operation.selectionSet.selections;
  if (others.length || root?.kind !== Kind.FIELD || !shareable.has(root.name.value)) return undefined;
  const variables = new Set<string>();
  const spread = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable: (v) => void variables.add(v.name.value),
      FragmentSpread: (f) => void spread.add(f.name.value),
    });
  if (root.selectionSet) collect(root.selectionSet);
  for (const directive of root.directives ?? []) collect(directive);
  // Fragments spread inside fragments too.
  const fragments = new Map(
    args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
  );
  const printed: string[] = [];
  for (const name of spread) {
    const fragment = fragments.get(name);
    if (!fragment) return undefined; // invalid document: nothing to share
    printed.push(print(fragment));
    collect(fragment);
  }
  const values = [...variables].sort().map((v) => [v, args.variableValues?.[v]]);
  const directives = (root.directives ?? []).map((d) => print(d)).join(' ');
  return [
    `${root.alias?.value ?? ''}:${root.name.value}${directives}${root.selectionSet ? print(root.selectionSet) : ''}`,
    ...printed.sort(),
    values.length ? JSON.stringify(values) : '',
  ].join('|');
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
  /** The socket's client address, and the budgets it is counted against. */
  client: string;
  budgets: ClientBudgets;
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
  const prefix = `{"id":${JSON.stringify(sink.id)},"type":"${MessageType.Next}","payload":`;
  // Executing the selection needs neither the context nor the envelope: graphql-ws keeps
  // `args` for the life of the subscription, so drop them (memory per subscriber).
  const { schema, document, operationName, variableValues } = args;
  args.contextValue = undefined;
  args.rootValue = undefined;
  const payloadOf = (event: object) =>
    sharedPayload(event, key, () => {
      const result = execute({ schema, document, operationName, variableValues, rootValue: event });
      const serialise = (r: ExecutionResult) => JSON.stringify(masked(r, maskError));
      return result instanceof Promise ? result.then(serialise) : serialise(result);
    });
  const writer = socketWriter(sink, prefix);
  if (isPushStream(stream)) return pushDirectly(stream, payloadOf, writer);
  return pump(stream as AsyncIterable<object>, payloadOf, writer);
}

type Writer = {
  /** Writes a frame; a promise means the socket is behind and the caller should wait. */
  write(payload: string): void | Promise<void>;
  /** Whether the socket is gone (nothing more can be written). */
  gone(): boolean;
  /** Whether the socket (or its address) has fallen too far behind to keep it. */
  tooFarBehind(): boolean;
};

function socketWriter({ socket, client, budgets }: Sink, prefix: string): Writer {
  return {
    tooFarBehind: () =>
      socket.bufferedAmount > MAX_SOCKET_BUFFERED_BYTES || budgets.overBudget(client, socket),
    gone: () => socket.readyState !== socket.OPEN,
    write: (payload) => {
      const frame = `${prefix}${payload}}`;
      if (socket.bufferedAmount < BEHIND_BYTES) return void socket.send(frame);
      return new Promise((resolve) => socket.send(frame, () => resolve()));
    },
  };
}

/** The fast path: the stream calls back synchronously for each event; the frame is written at once. */
function pushDirectly(
  stream: PushStream,
  payloadOf: (event: object) => Promise<string> | string,
  writer: Writer,
): AsyncIterableIterator<ExecutionResult> {
  // Executions are synchronous for these fields; should one not be, later events queue
  // behind it so the order holds.
  let queue: Promise<void> | undefined;
  const write = (payload: string) => {
    // A closed socket ends its streams now (graphql-ws also will, when its close event runs).
    if (writer.gone()) return stream.close();
    if (writer.tooFarBehind()) return stream.fail(stream.behind());
    return writer.write(payload);
  };
  void stream.pushTo((event) => {
    const payload = payloadOf(event);
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

/** Any other stream: one async iteration per subscriber, waiting for the socket when it is behind. */
function pump(
  stream: AsyncIterable<object>,
  payloadOf: (event: object) => Promise<string> | string,
  writer: Writer,
): AsyncIterableIterator<ExecutionResult> {
  const source = stream[Symbol.asyncIterator]();
  const pumped = (async () => {
    for (;;) {
      const { done, value: event } = await source.next();
      if (done) return;
      if (writer.gone()) return void (await source.return?.());
      if (writer.tooFarBehind()) {
        await source.return?.();
        throw new GraphQLError('This subscription fell too far behind and was stopped. Subscribe again.', {
          extensions: { code: 'FELL_BEHIND' },
        });
      }
      const written = writer.write(await payloadOf(event));
      if (written) await written;
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
