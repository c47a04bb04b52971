/**
 * Query limits for a public graph, from graphql-armor's plugins: depth, aliases and directives as
 * validation rules, tokens in the parser. Each limit that is hit answers HTTP 400 with its own
 * extensions.code, so a client can tell which one it ran into:
 *
 *   QUERY_TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_DIRECTIVES, TOO_MANY_TOKENS
 *
 * What an operation costs is counted in Zoho calls instead, from the variables as well as the
 * document (graphql/cost.ts, graphql/zoho-calls.ts): armor's cost rule sees neither list sizes
 * nor variables, so it is not used.
 *
 * Armor's own Apollo wrapper (@escape.tech/graphql-armor) is not used: it reports every rule as
 * GRAPHQL_VALIDATION_FAILED and pulls in envelop; the rules alone are the maintained part.
 * Introspection is exempt from depth and cost, so Sandbox and routers can read the schema.
 */
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { LRUCache } from 'lru-cache';
import type { QueryLimits } from '../settings.ts';

export type QueryLimitCode = 'QUERY_TOO_DEEP' | 'TOO_MANY_ALIASES' | 'TOO_MANY_DIRECTIVES' | 'TOO_MANY_TOKENS';

/** Marks an error as a limit that was hit; formatQueryLimitError turns it into its own code. */
export class QueryLimitError extends GraphQLError {
  constructor(
    readonly limitCode: QueryLimitCode,
    message: string,
    readonly limit: number,
  ) {
    super(message, { extensions: { code: limitCode, limit, http: { status: 400 } } });
  }
}

const clean = (message: string) => message.replace(/^Syntax Error:\s*/, '');

function reporting(code: QueryLimitCode, limit: number) {
  return {
    exposeLimits: true,
    // Reported as a validation error of the document, not thrown through the validator.
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) => {
        ctx?.reportError(new QueryLimitError(code, clean(error.message), limit));
      },
    ],
  };
}

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    maxDepthRule({
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...reporting('QUERY_TOO_DEEP', limits.maxDepth),
    }),
    maxAliasesRule({ n: limits.maxAliases, ...reporting('TOO_MANY_ALIASES', limits.maxAliases) }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reporting('TOO_MANY_DIRECTIVES', limits.maxDirectives) }),
  ] as ValidationRule[];
}

/**
 * Tokens are counted by armor's lexer before Apollo parses anything, from the HTTP layer: an
 * Apollo plugin cannot refuse a request at parse time without it becoming a 500. Apollo's own
 * parser gets the same bound (parseOptions.maxTokens) for operations that reach it otherwise.
 */
export function tokenLimitError(query: unknown, maxTokens: number): QueryLimitError | null {
  if (typeof query !== 'string') return null;
  // A document that passed is not lexed again: clients send the same few documents over and over.
  const seen = PASSED.get(maxTokens);
  if (seen?.get(query)) return null;
  try {
    new MaxTokensParserWLexer(query, { n: maxTokens }).parseDocument();
    remember(maxTokens, query);
  } catch (e) {
    // Matched by message, not class: bundlers and test runners may load two copies of graphql.
    if (e instanceof Error && /Token limit/.test(e.message))
      return new QueryLimitError('TOO_MANY_TOKENS', clean(e.message), maxTokens);
    // Other syntax errors are Apollo's to report, with their usual code.
  }
  return null;
}

/** Documents that passed the token limit, per limit (at most PASSED_MAX of each, the least recent dropped). */
const PASSED = new Map<number, LRUCache<string, true>>();
const PASSED_MAX = 1_000;
/** Longer documents are not kept: they are rare, and would make the memory this takes unbounded in practice. */
const PASSED_MAX_LENGTH = 20_000;

function remember(maxTokens: number, query: string): void {
  if (query.length > PASSED_MAX_LENGTH) return;
  let seen = PASSED.get(maxTokens);
  if (!seen) PASSED.set(maxTokens, (seen = new LRUCache({ max: PASSED_MAX })));
  seen.set(query, true);
}

/** graphql-js's own message when parseOptions.maxTokens stops it. */
const PARSER_TOKEN_LIMIT = /Document contains more that? (\d+) tokens/;

/**
 * Apollo wraps validation errors as GRAPHQL_VALIDATION_FAILED; this restores the limit's own code.
 * Returns null for anything that is not a limit.
 */
export function formatQueryLimitError(error: unknown): { message: string; extensions: Record<string, unknown> } | null {
  // Apollo wraps; follow originalError (by shape: graphql may be loaded twice, see above).
  let e: unknown = error;
  for (let i = 0; i < 3 && e instanceof Error && !(e instanceof QueryLimitError); i++)
    e = (e as { originalError?: unknown }).originalError;
  if (!(e instanceof QueryLimitError)) {
    const m = error instanceof Error ? PARSER_TOKEN_LIMIT.exec(error.message) : null;
    if (!m) return null;
    return {
      message: `Token limit of ${m[1]} exceeded.`,
      extensions: { code: 'TOO_MANY_TOKENS', limit: Number(m[1]) },
    };
  }
  return { message: e.message, extensions: { code: e.limitCode, limit: e.limit } };
}
