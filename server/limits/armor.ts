// Limits on the shape of GraphQL operations (graphql-armor, and our cost rule in
// cost.ts): they are checked before anything executes, over HTTP and WebSocket alike.
// The numbers leave room for every query the web client and GraphiQL's introspection make.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_COST, costLimitRule } from './cost.js';

export const operationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  // Fields per item, first/last multiplying (cost.ts).
  maxCost: MAX_COST,
  maxDirectives: 20,
};

// Report a refusal as a validation error (HTTP 400, GRAPHQL_VALIDATION_FAILED) instead of
// throwing from inside validation.
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(ctx: { reportError(e: GraphQLError): void } | null, error: GraphQLError) => ctx?.reportError(error)],
};

const useCostLimit = (): Plugin => ({
  onValidate({ addValidationRule }) {
    addValidationRule(costLimitRule(operationLimits.maxCost));
  },
});

export function armorPlugins(): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: operationLimits.maxDepth, ignoreIntrospection: true, ...asValidationError },
    maxAliases: { n: operationLimits.maxAliases, ...asValidationError },
    maxTokens: { n: operationLimits.maxTokens },
    // Replaced by cost.ts, which also counts first/last given as variables or left out.
    costLimit: { enabled: false },
    maxDirectives: { n: operationLimits.maxDirectives, ...asValidationError },
    blockFieldSuggestion: { enabled: false },
  }).protect().plugins as Plugin[];
  return [...armor, useCostLimit()];
}
