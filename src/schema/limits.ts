// Document limits applied the same way over HTTP and WebSocket: a token limit on parsing, query depth, cost
// and alias limits (graphql-armor's validation rules), and no introspection unless enabled. A refused document
// gets a GraphQL error with a stable code instead of a bare "Syntax Error" or an internal error.
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  type DocumentNode,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  type ParseOptions,
  parse,
  type Source,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Deep enough for every query the generated clients send (accounts → history is 4 levels). */
export const MAX_DEPTH = 10;
/**
 * Static cost (2 per object field, 1 per scalar, growing with depth): a page of accounts with every field,
 * live state, history and tests costs about 125, so this allows a dozen such lists in one document.
 */
export const MAX_COST = 1500;
export const MAX_ALIASES = 20;
/**
 * Lexical tokens a document may have. The generated clients' largest document has about 200 and the cost
 * limit refuses anything much over 1,000; parsing recurses once per nesting level, and a document of a few
 * thousand nested selections overflows the stack, so the parser stops here before that can happen.
 */
export const MAX_TOKENS = 2000;

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

/** graphql's own rule (its message names the field), reporting with the code clients can act on. */
const noIntrospectionRule: ValidationRule = (context) =>
  NoSchemaIntrospectionCustomRule(
    Object.create(context, {
      reportError: {
        value: (error: GraphQLError) =>
          context.reportError(
            new GraphQLError(error.message, {
              nodes: error.nodes ?? null,
              extensions: { code: 'INTROSPECTION_DISABLED' },
            }),
          ),
      },
    }) as ValidationContext,
  );

export interface DocumentLimitOptions {
  /** Serve `__schema` and `__type`; `__typename` is always served. */
  introspection: boolean;
}

/** The rules added to graphql's own: the limits, and the introspection refusal when it is off. */
export function documentRules(options: DocumentLimitOptions): ValidationRule[] {
  return options.introspection ? queryLimitRules : [...queryLimitRules, noIntrospectionRule];
}

/** graphql's `parse` with the token limit; a document over it is refused as QUERY_TOO_LARGE (400). */
export function parseDocument(source: string | Source, options?: ParseOptions): DocumentNode {
  try {
    return parse(source, { ...options, maxTokens: MAX_TOKENS });
  } catch (error) {
    // graphql reports the token limit only as a syntax error ("Document contains more that/than N tokens").
    const overLimit = error instanceof GraphQLError && / more tha[nt] \d+ tokens/.test(error.message);
    // A stack overflow within the token limit would mean the limit is too high: still the document's doing.
    if (overLimit || error instanceof RangeError) {
      throw new GraphQLError(`The document is too large: at most ${MAX_TOKENS} tokens`, {
        extensions: { code: 'QUERY_TOO_LARGE', http: { status: 400 } },
      });
    }
    throw error;
  }
}

/** Parses with the token limit and adds the validation rules to yoga's. */
export function useDocumentLimits(options: DocumentLimitOptions): Plugin {
  const rules = documentRules(options);
  return {
    onParse({ setParseFn }) {
      setParseFn(parseDocument);
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
