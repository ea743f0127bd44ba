// Limits on the shape of GraphQL operations (graphql-armor): they are checked before
// anything executes, over HTTP and WebSocket alike. The numbers leave room for every
// query the web client and GraphiQL's introspection make.
import { EnvelopArmor } from '@escape.tech/graphql-armor';

export const operationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  // first/last multiply the cost: a full page of 100 messages with every field costs ~7,300,
  // a page of rooms each with a page of messages far more.
  maxCost: 20000,
  maxDirectives: 20,
};

export function armorPlugins() {
  return new EnvelopArmor({
    maxDepth: { n: operationLimits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: operationLimits.maxAliases },
    maxTokens: { n: operationLimits.maxTokens },
    costLimit: { maxCost: operationLimits.maxCost, ignoreIntrospection: true },
    maxDirectives: { n: operationLimits.maxDirectives },
    blockFieldSuggestion: { enabled: false },
  }).protect().plugins;
}
