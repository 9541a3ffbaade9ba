/**
 * Query limits at the gateway, with GraphQL Armor: depth, aliases, cost, tokens and directives,
 * checked before any subgraph is called. Tuned on the README's real queries (the end-to-end suites
 * run them through these limits): the deepest real selection, `regions { applications { edges {
 * node { dataQuality { field } } } } }`, is 6 levels; the annual-review check costs a few hundred.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ValidationRule } from 'graphql';

export interface QueryLimits {
  /** Deepest selection. @default 8 */
  maxDepth: number;
  /** Aliases per operation: a handful for comparing years, never an alias bomb. @default 15 */
  maxAliases: number;
  /** Armor's cost (objects 2, scalars 1, times 1.5 per level). @default 5000 */
  maxCost: number;
  /** Lexical tokens of the document. @default 1000 */
  maxTokens: number;
  /** Directives per operation. @default 20 */
  maxDirectives: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxAliases: 15, maxCost: 5_000, maxTokens: 1_000, maxDirectives: 20 };

export interface QueryProtection {
  plugins: ApolloServerPlugin<BaseContext>[];
  validationRules: ValidationRule[];
  /** Batched HTTP requests (a JSON array of operations) are refused: one body, one operation. */
  allowBatchedHttpRequests: false;
  includeStacktraceInErrorResponses: false;
  /** graphql-js stops parsing past `maxTokens`: GRAPHQL_PARSE_FAILED, HTTP 400. */
  parseOptions: { maxTokens: number };
}

export function queryProtection(limits: QueryLimits = DEFAULT_QUERY_LIMITS, options: { production: boolean }): QueryProtection {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost },
    // Armor's token check throws from a plugin hook, which Apollo Server answers with HTTP 500;
    // graphql-js's own parser limit (parseOptions) refuses the same documents with 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // "Did you mean …?" maps the schema for a stranger: off in production.
    blockFieldSuggestion: { enabled: options.production },
  });
  const protection = armor.protect();
  // Armor's declarations resolve @apollo/server's CommonJS types; the plugins are the same objects.
  return {
    ...protection,
    plugins: protection.plugins as unknown as ApolloServerPlugin<BaseContext>[],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
