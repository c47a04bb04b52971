/**
 * Top-level GraphQL errors: only for whole-request failures (bad arguments, limits, failing to
 * authenticate to the gateway). Per-item outcomes of mutations are data (ItemError), never these.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ZohoError } from '../zoho/index.ts';

export type GatewayErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
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
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
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
  if (original instanceof ZohoError) {
    const { code, message } = fromZohoQueryError(original);
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code, ...(original.fromZoho ? { vendorCode: original.code } : {}) },
    };
  }
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** A read that Zoho refused or failed, as the top-level error of the field that needed it. */
export function fromZohoQueryError(e: ZohoError): { code: GatewayErrorCode; message: string } {
  if (e.kind === 'auth' || e.kind === 'caller' || e.status === 401) {
    return { code: 'UNAUTHENTICATED', message: 'Zoho did not accept the credentials.' };
  }
  if (e.status === 403 || e.code === 'NO_PERMISSION')
    return { code: 'FORBIDDEN', message: "Zoho's user may not read this." };
  if (e.kind === 'rate_limited' || e.kind === 'token_mint' || e.status === 429) {
    return { code: 'RATE_LIMITED', message: "Zoho's rate or credit limits refused the call, after retries." };
  }
  if (e.kind === 'timeout' || e.kind === 'network' || (e.status !== null && e.status >= 500)) {
    return { code: 'UPSTREAM_UNAVAILABLE', message: 'Zoho failed or did not answer in time, after retries.' };
  }
  return { code: 'UPSTREAM_ERROR', message: `Zoho refused the call (${e.code}).` };
}
