// Query depth, cost and alias limits (graphql-armor's validation rules), applied the same way over HTTP and
// WebSocket. A refused document gets a GraphQL error with a stable code instead of armor's "Syntax Error".
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Deep enough for every query the generated clients send (accounts → history is 4 levels). */
export const MAX_DEPTH = 10;
/**
 * Static cost (2 per object field, 1 per scalar, growing with depth): a page of accounts with every field,
 * live state, history and tests costs about 125, so this allows a dozen such lists in one document.
 */
export const MAX_COST = 1500;
export const MAX_ALIASES = 20;

function reject(code: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const message = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new GraphQLError(message, { extensions: { code } }));
  };
}

export const queryLimitRules: ValidationRule[] = [
  maxDepthRule({
    n: MAX_DEPTH,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reject('QUERY_TOO_DEEP')],
  }),
  costLimitRule({
    maxCost: MAX_COST,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reject('QUERY_TOO_COSTLY')],
  }),
  maxAliasesRule({
    n: MAX_ALIASES,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reject('TOO_MANY_ALIASES')],
  }),
];

/** Adds the limit rules to yoga's validation. */
export function useQueryLimits(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      for (const rule of queryLimitRules) addValidationRule(rule);
    },
  };
}
