/**
 * Who may call the gateway. Three ways, any of which may be configured:
 * - API keys (GATEWAY_API_KEYS), sent as `x-api-key: <key>` or `Authorization: Bearer <key>`,
 *   compared in constant time (SHA-256 digests of equal length, crypto.timingSafeEqual, every key
 *   compared whatever matched before);
 * - JWTs (`Authorization: Bearer <jwt>`), verified with jose against GATEWAY_JWKS_URL or
 *   GATEWAY_JWT_SECRET, with the issuer and audience when configured;
 * - in pass-through mode, the caller's own Zoho token (`Authorization: Zoho-oauthtoken <token>`),
 *   which Zoho itself verifies on the first call. API keys then come through x-api-key only: the
 *   Authorization header is Zoho's.
 *
 * A call that fails gets a GraphQL error with extensions.code UNAUTHENTICATED and HTTP 401,
 * before its body is read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { CallerAuthSettings } from '../settings.ts';
import { parseCallerAuthorization, type ZohoAuthMode } from '../zoho/index.ts';

export type Principal =
  /** `keyId`: a fingerprint of the key (never the key), stable across reordering of GATEWAY_API_KEYS. */
  | { kind: 'api-key'; keyIndex: number; keyId: string }
  | { kind: 'jwt'; subject: string | null }
  | { kind: 'zoho-token' }
  | { kind: 'open' };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; message: string };

export interface CallerAuth {
  /** False only in the open development mode. */
  readonly enforced: boolean;
  authenticate(headers: FastifyRequest['headers']): Promise<AuthResult>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function createCallerAuth(settings: CallerAuthSettings, zohoMode: ZohoAuthMode): CallerAuth {
  const keyDigests = settings.apiKeys.map(digest);
  const passthrough = zohoMode === 'passthrough';
  const jwt = settings.jwt;
  let jwtKey: Uint8Array | JWTVerifyGetKey | null = null;
  if (jwt?.secret) jwtKey = new TextEncoder().encode(jwt.secret);
  else if (jwt?.jwksUrl)
    jwtKey = createRemoteJWKSet(new URL(jwt.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });

  /** Index of the matching key, or -1; the time taken does not depend on which key matched. */
  const matchKey = (presented: string): number => {
    const d = digest(presented);
    let found = -1;
    keyDigests.forEach((k, i) => {
      if (timingSafeEqual(k, d) && found === -1) found = i;
    });
    return found;
  };
  const keyIdOf = (i: number): string => keyDigests[i]!.toString('hex').slice(0, 16);

  const verifyJwt = async (token: string): Promise<AuthResult> => {
    if (!jwtKey || !jwt) return { ok: false, message: 'The bearer token is not a valid API key.' };
    try {
      const options = {
        ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
        ...(jwt.audience ? { audience: jwt.audience } : {}),
        // HMAC secrets sign with HS*; key sets with asymmetric algorithms. Never `none`.
        algorithms: jwt.secret
          ? ['HS256', 'HS384', 'HS512']
          : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      };
      const { payload } =
        typeof jwtKey === 'function'
          ? await jwtVerify(token, jwtKey, options)
          : await jwtVerify(token, jwtKey, options);
      return { ok: true, principal: { kind: 'jwt', subject: typeof payload.sub === 'string' ? payload.sub : null } };
    } catch {
      // jose's message says why (expired, wrong audience…); the caller only learns that it failed.
      return {
        ok: false,
        message: keyDigests.length
          ? 'The bearer token is neither a valid API key nor a valid JWT.'
          : 'The JWT is not valid.',
      };
    }
  };

  const enforced = keyDigests.length > 0 || jwtKey !== null || passthrough;

  return {
    enforced,
    async authenticate(headers) {
      if (!enforced) return { ok: true, principal: { kind: 'open' } };
      const apiKey = first(headers['x-api-key']);
      const authorization = first(headers.authorization);

      if (passthrough) {
        if (keyDigests.length > 0) {
          if (apiKey === undefined)
            return { ok: false, message: 'Send your API key as x-api-key (Authorization carries your Zoho token).' };
          if (matchKey(apiKey) === -1) return { ok: false, message: 'The API key is not valid.' };
        }
        if (!parseCallerAuthorization(authorization)) {
          return { ok: false, message: 'Send your own Zoho token as "Authorization: Zoho-oauthtoken <token>".' };
        }
        return { ok: true, principal: { kind: 'zoho-token' } };
      }

      if (apiKey !== undefined) {
        const i = keyDigests.length ? matchKey(apiKey) : -1;
        return i >= 0
          ? { ok: true, principal: { kind: 'api-key', keyIndex: i, keyId: keyIdOf(i) } }
          : { ok: false, message: 'The API key is not valid.' };
      }
      const bearer = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
      if (bearer) {
        const i = keyDigests.length ? matchKey(bearer) : -1;
        if (i >= 0) return { ok: true, principal: { kind: 'api-key', keyIndex: i, keyId: keyIdOf(i) } };
        return verifyJwt(bearer);
      }
      const how = [
        keyDigests.length ? 'an API key (x-api-key or Authorization: Bearer)' : null,
        jwtKey ? 'a JWT (Authorization: Bearer)' : null,
      ]
        .filter(Boolean)
        .join(' or ');
      return { ok: false, message: `Authentication required: send ${how}.` };
    },
  };
}

/** The GraphQL-shaped 401 that every refused call gets. */
export function sendUnauthenticated(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(401)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

/**
 * Guards the GraphQL routes. Exempt: CORS preflights (browsers send them without credentials) and
 * a browser's GET for the landing page, which carries no data; every operation is checked.
 */
export function registerCallerAuth(
  app: FastifyInstance,
  auth: CallerAuth,
  opts: { path: string; onRefused?: (request: FastifyRequest) => void },
): void {
  if (!auth.enforced) return;
  app.addHook('onRequest', async (request, reply) => {
    // The route Fastify matched, not the raw URL: no spelling of the path gets around the check.
    if (request.routeOptions.url !== opts.path) return;
    if (request.method === 'OPTIONS') return;
    // A bare GET for HTML is the landing page. Any query string (query, extensions for a persisted
    // query…) could run an operation, so it is checked like a POST.
    if (request.method === 'GET' && !request.url.includes('?') && (request.headers.accept ?? '').includes('text/html'))
      return;
    const result = await auth.authenticate(request.headers);
    if (result.ok) {
      request.principal = result.principal;
      return;
    }
    opts.onRefused?.(request);
    return sendUnauthenticated(reply, result.message);
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
