// One execution per event, shared by every subscriber that selected the same fields.
//
// graphql-js executes a subscription's selection set once per event per subscriber: with
// 1,000 subscribers of a room, each message would be resolved 1,000 times. The message
// subscriptions' results do not depend on who is asking (no field of Message reads the
// context), so subscribers whose operations select the same fields can share one result.
// Events are the very objects the pubsub hands to every listener in this process, so a
// WeakMap keyed by the event finds the result of the first subscriber's execution.
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
import { isAsyncIterable, mapAsyncIterator } from 'graphql-yoga';

/** Root subscription fields whose results are the same for every viewer. */
const VIEWER_INDEPENDENT = new Set(['messageAdded', 'roomActivity']);

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

const results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();

type MaskError = (error: unknown, message: string) => Error;

const masked = (result: ExecutionResult, maskError: MaskError): ExecutionResult =>
  result.errors
    ? { ...result, errors: result.errors.map((e) => maskError(e, 'Unexpected error.') as GraphQLError) }
    : result;

/**
 * Like graphql's subscribe(), with each event's execution shared under `key`. This is
 * graphql-js's own subscribe (createSourceEventStream, then execute per event: Yoga's
 * enveloped execute would start a new subscription for a subscription document), with
 * errors masked as Yoga masks them.
 */
export async function subscribeShared(
  args: ExecutionArgs,
  key: string,
  maskError: MaskError,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return masked(stream, maskError);
  return mapAsyncIterator(stream as AsyncIterable<object>, (event) => {
    let byKey = results.get(event);
    if (!byKey) results.set(event, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) {
      const executed = execute({ ...args, rootValue: event });
      result = executed instanceof Promise ? executed.then((r) => masked(r, maskError)) : masked(executed, maskError);
      byKey.set(key, result);
    }
    return result;
  }) as AsyncIterable<ExecutionResult>;
}
