/**
 * Pass-through mode: each GraphQL request carries its caller's own Zoho token as
 * `Authorization: Zoho-oauthtoken <token>`. Nothing is cached across callers; what is cached per
 * caller is keyed by a fingerprint of the token (see transport.ts), never by the token itself.
 */
import { ZohoError } from '../errors.ts';

const PREFIX = /^Zoho-oauthtoken\s+(\S+)\s*$/i;

/** The token in a caller's `Authorization: Zoho-oauthtoken <token>` header, or null. */
export function parseCallerAuthorization(header: string | readonly string[] | null | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return null;
  const m = PREFIX.exec(value.trim());
  return m ? m[1]! : null;
}

export function missingCallerTokenError(): ZohoError {
  return new ZohoError({
    kind: 'caller',
    code: 'CALLER_TOKEN_MISSING',
    message: 'Pass-through mode needs the caller\'s Zoho token as "Authorization: Zoho-oauthtoken <token>"',
    status: null,
  });
}
