/**
 * The shapes of the gateway's settings. src/config.ts reads them from the environment; the modules
 * that use them (caller auth, query limits, the landing page) import the shapes from here, so that
 * none of them depends on the module that reads the environment.
 */

/** LOG_LEVEL's values: pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface QueryLimits {
  /** Deepest selection nesting (introspection is exempt). */
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens in one document. */
  maxTokens: number;
  maxDirectives: number;
  /**
   * Zoho calls one operation may make: estimated before it runs (refused above it), and counted
   * while it runs (docs/cost.md). It admits every mutation within its 500-email cap.
   */
  maxZohoCalls: number;
  /** `_entities` representations per operation. */
  maxEntities: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5_000,
  maxDirectives: 50,
  maxZohoCalls: 2_000,
  maxEntities: 500,
};

export interface JwtSettings {
  /** HMAC secret (HS256/384/512); exclusive with jwksUrl. */
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

export interface CallerAuthSettings {
  apiKeys: string[];
  jwt: JwtSettings | null;
}
