// Limits on the shape of GraphQL operations (graphql-armor): they are checked before
// anything executes, over HTTP and WebSocket alike. The numbers leave room for every
// query the web client and GraphiQL's introspection make.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';

export const operationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  // first/last multiply the cost: a full page of 100 messages with every field costs ~7,300,
  // a page of rooms each with a page of messages far more.
  maxCost: 20000,
  maxDirectives: 20,
};

// Report a refusal as a validation error (HTTP 400, GRAPHQL_VALIDATION_FAILED) instead of
// throwing from inside validation.
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(ctx: { reportError(e: GraphQLError): void } | null, error: GraphQLError) => ctx?.reportError(error)],
};

export function armorPlugins() {
  return new EnvelopArmor({
    maxDepth: { n: operationLimits.maxDepth, ignoreIntrospection: true, ...asValidationError },
    maxAliases: { n: operationLimits.maxAliases, ...asValidationError },
    maxTokens: { n: operationLimits.maxTokens },
    costLimit: { maxCost: operationLimits.maxCost, ignoreIntrospection: true, ...asValidationError },
    maxDirectives: { n: operationLimits.maxDirectives, ...asValidationError },
    blockFieldSuggestion: { enabled: false },
  }).protect().plugins;
}
