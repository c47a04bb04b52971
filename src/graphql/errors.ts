/**
 * Top-level GraphQL errors: only for whole-request failures (bad arguments, limits, failing to
 * authenticate to the gateway). Per-item outcomes of mutations are data (ItemError), never these.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { classify, ZohoError } from '../zoho/index.ts';
import { RequestRefusedError } from '../domain/errors.ts';

export type GatewayErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'CREDITS_EXHAUSTED'
  | 'CALL_LIMIT_REACHED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'INTERNAL_SERVER_ERROR';

export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export function badInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return gatewayError('BAD_USER_INPUT', message, extensions);
}

const PUBLIC_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'CREDITS_EXHAUSTED',
  'CALL_LIMIT_REACHED',
  'TOO_MANY_ZOHO_CALLS',
  'TOO_MANY_ENTITIES',
  'QUOTA_EXCEEDED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_VERSION_UNSUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'SUBSCRIPTIONS_NOT_SUPPORTED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'STATE_STORE_UNAVAILABLE',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * Apollo's formatError: errors we raised on purpose keep their message and code; anything else
 * (a bug, an unexpected exception) becomes a generic INTERNAL_SERVER_ERROR, so no stack trace,
 * file path or upstream detail ever reaches a client. The original is logged by the caller.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  if (original instanceof RequestRefusedError) {
    return {
      message: original.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { ...original.details, code: original.code },
    };
  }
  if (original instanceof ZohoError) {
    const { code, message } = fromZohoQueryError(original);
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code,
        ...(original.fromZoho ? { vendorCode: original.code } : {}),
        ...(original.retryAfterMs !== null ? { retryAfterMs: original.retryAfterMs } : {}),
      },
    };
  }
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** A read that Zoho refused or failed, as the top-level error of the field that needed it (classify.ts). */
export function fromZohoQueryError(e: ZohoError): { code: GatewayErrorCode; message: string } {
  switch (classify(e).code) {
    case 'UNAUTHENTICATED':
      return { code: 'UNAUTHENTICATED', message: 'Zoho did not accept the credentials.' };
    case 'FORBIDDEN':
      return { code: 'FORBIDDEN', message: "Zoho's user may not read this." };
    case 'RATE_LIMITED':
      return { code: 'RATE_LIMITED', message: "Zoho's limits refused the call, after retries." };
    case 'CREDITS_EXHAUSTED':
      return { code: 'CREDITS_EXHAUSTED', message: "Zoho's API credits for the day are used up." };
    case 'CALL_LIMIT_REACHED':
      return { code: 'CALL_LIMIT_REACHED', message: e.message };
    case 'UPSTREAM_UNAVAILABLE':
      return { code: 'UPSTREAM_UNAVAILABLE', message: 'Zoho failed or did not answer in time, after retries.' };
    case 'UNKNOWN_RESULT':
    case 'UPSTREAM_ERROR':
      return { code: 'UPSTREAM_ERROR', message: `Zoho refused the call (${e.code}).` };
  }
}
