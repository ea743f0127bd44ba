// The cost limit: a validation rule (so it holds over HTTP, SSE and WebSocket alike,
// before anything executes) that bounds how many fields an operation can ask for.
//
// Every field selected counts 1 (or its `cost` extension: a message's content counts 10),
// once per item it can appear in: a field with a
// `first` or `last` argument multiplies the cost of everything below it by that page
// size. A page size given as a variable, or left out, counts as the largest page
// (MAX_PAGE = 100), because validation runs before variables are known (and a cached
// validation must hold for every value). Fragments count where they are spread;
// introspection (__schema, __type) is left to the depth and token limits.
//
// graphql-armor's costLimit multiplies only by a literal `first`/`last`, so 10 aliases
// of `messages(last: $n)` cost it almost nothing; this rule replaces it.
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type ASTVisitor,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { MAX_PAGE } from '../chat/store/paging.js';

/**
 * At most 3,000 per operation: 200 messages' content (at most 3.2 MB at the default
 * MAX_MESSAGE_LENGTH, 0.8 MB of ASCII), or one page of 100 messages with every field. The
 * web client's largest query (a page of 100 messages with every field) costs ~2,400.
 */
export const MAX_COST = 3000;

type Args = readonly { name: { value: string }; value: { kind: string; value?: string } }[] | undefined;

/** How many items a field stands for: its page size if it pages (first/last), else 1. */
function pageSize(field: GraphQLField<unknown, unknown> | undefined, args: Args) {
  if (!field?.args.some((a) => a.name === 'first' || a.name === 'last')) return 1;
  const arg = args?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (arg?.value.kind === Kind.INT) return Math.max(0, Math.min(Number(arg.value.value), MAX_PAGE));
  return MAX_PAGE; // a variable, null or no argument (the field's default page)
}

interface Walk {
  schema: GraphQLSchema;
  fragment(name: string): FragmentDefinitionNode | undefined | null;
  seen: Set<string>;
}

function fieldsOf(type: GraphQLNamedType | undefined | null) {
  return type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};
}

/** The cost of a selection set on `type` (see the top of the file). */
export function costOf(selectionSet: SelectionSetNode, type: GraphQLNamedType | undefined | null, walk: Walk): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name === '__schema' || name === '__type') continue;
      const field = fieldsOf(type)[name];
      const below = selection.selectionSet ? costOf(selection.selectionSet, field && getNamedType(field.type), walk) : 0;
      const own = typeof field?.extensions?.cost === 'number' ? field.extensions.cost : 1;
      cost += (own + below) * pageSize(field, selection.arguments as Args);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : type;
      cost += costOf(selection.selectionSet, on, walk);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragment(name);
      if (!fragment || walk.seen.has(name)) continue; // unknown or cyclic: other rules report it
      walk.seen.add(name);
      cost += costOf(fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value), walk);
      walk.seen.delete(name);
    }
  }
  return cost;
}

/** The validation rule: reports an operation costing more than `max`. */
export function costLimitRule(max = MAX_COST) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const walk: Walk = { schema, fragment: (name) => context.getFragment(name), seen: new Set() };
      const cost = costOf(operation.selectionSet, schema.getRootType(operation.operation), walk);
      if (cost > max) {
        context.reportError(
          new GraphQLError(
            `Query cost ${cost} exceeds the limit of ${max}: each field counts once per item, and first/last (a variable or no value counts as ${MAX_PAGE}) multiply what is below them. Ask for fewer or smaller pages.`,
            { nodes: [operation] },
          ),
        );
      }
    },
  });
}
