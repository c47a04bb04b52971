/**
 * Access tokens: minting (refresh-token grant, admin API) and the check every /crm call passes.
 * A token's expiry is its issue time plus the *current* `accessTokenTtlSeconds`, so changing the
 * TTL re-dates tokens already issued (CONTRACT.md).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/index.ts';
import { errors } from './errors.ts';

/** Who is calling: set on every authenticated /crm request. */
export interface CrmCaller {
  token: string;
  userId: string;
  orgId: string;
  clientId: string | null;
}

/** Zoho's token format: `1000.<32 hex>.<32 hex>`. */
export function newAccessToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

export function mintAccessToken(
  store: Store,
  who: { userId: string; orgId: string; clientId: string | null; refreshToken: string | null },
  nowMs: number,
): string {
  const token = newAccessToken();
  store.insertAccessToken({
    token,
    user_id: who.userId,
    org_id: who.orgId,
    client_id: who.clientId,
    refresh_token: who.refreshToken,
    issued_at: nowMs,
  });
  return token;
}

/**
 * Reads `Authorization: Zoho-oauthtoken <token>` and resolves the caller. A missing header, another
 * scheme (Zoho rejects `Bearer` even though its token response says "Bearer"), an unknown token,
 * an expired or a revoked one all get 401 INVALID_TOKEN.
 */
export function authenticate(req: FastifyRequest, store: Store, ttlSeconds: number, nowMs: number): CrmCaller {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Zoho-oauthtoken\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw errors.invalidToken();
  const row = store.findAccessToken(match[1]);
  // Expired, or revoked by the 16th token of its refresh token (Zoho's v8 Token Validity page): CRM's
  // REST API answers both as its 401 INVALID_TOKEN.
  if (!row || row.revoked_at != null || row.issued_at + ttlSeconds * 1000 <= nowMs) throw errors.invalidToken();
  return { token: row.token, userId: row.user_id, orgId: row.org_id, clientId: row.client_id };
}

/** `https://host:port` of the emulator as the caller reached it: the token's `api_domain`. */
export function ownBaseUrl(req: FastifyRequest): string {
  const host = req.headers.host ?? `${req.hostname}`;
  return `${req.protocol}://${host}`;
}
