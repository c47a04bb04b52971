/**
 * Zoho Accounts' token endpoint, `POST /oauth/v2/token`, refresh-token grant. Zoho takes the
 * parameters in the query string, a url-encoded form or a multipart form (Zoho's SDK sends
 * multipart), and the client credentials also as HTTP Basic auth (docs/zoho-notes.md §2).
 *
 * Refusals come as Zoho sends them: HTTP 200 with `{"error": "..."}` (Zoho's Kaizen #43: "the
 * status code ... remains 200"; clients have logged `{"error":"invalid_code"}` for a revoked
 * refresh token and `{"error":"invalid_client_secret"}` for a wrong secret, both with 200):
 * `invalid_client` for an unknown client, `invalid_client_secret` for a wrong secret,
 * `invalid_code` for an unknown or foreign refresh token, `unsupported_grant_type` for any other
 * grant (our choice: Zoho documents none). The mint refusal is its own body (http/limits.ts).
 *
 * Every grant counts against the refresh token's live tokens: the one past `liveTokenLimit`
 * (Zoho's v8 Token Validity page: 15) revokes the oldest, which then gets 401 INVALID_TOKEN.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZohoTokenError, ZohoTokenResponse } from '../../wire/index.ts';
import { mintAccessToken, ownBaseUrl } from '../http/auth.ts';
import { tokenMintAllowed, tokenMintRefusalBody } from '../http/limits.ts';
import type { EmulatorContext } from '../context.ts';

/** Merges the grant's parameters from every place Zoho reads them; the body wins over the query. */
function grantParams(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const take = (source: unknown) => {
    if (typeof source !== 'object' || source === null) return;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === 'string') out[k] = value;
    }
  };
  take(req.query);
  take(req.body);
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Basic\s+/i.test(auth)) {
    const decoded = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      out.client_id ??= decodeURIComponent(decoded.slice(0, colon));
      out.client_secret ??= decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return out;
}

export async function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  // Encapsulated: the multipart parser exists for the token endpoint only. (Url-encoded forms
  // are parsed app-wide, because /crm reads JSON sent under that type: see app.ts.)
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: 64 * 1024, files: 0, fields: 20 },
    });

    scope.post('/oauth/v2/token', async (req, reply) => {
      const p = grantParams(req);
      const config = ctx.config.current;
      const refuse = (error: string) => reply.code(200).send({ error } satisfies ZohoTokenError);
      if (p.grant_type !== 'refresh_token') return refuse('unsupported_grant_type');
      const client = p.client_id ? ctx.store.findClient(p.client_id) : undefined;
      if (!client) return refuse('invalid_client');
      if (client.client_secret !== p.client_secret) return refuse('invalid_client_secret');
      const refresh = p.refresh_token ? ctx.store.findRefreshToken(p.refresh_token) : undefined;
      if (!refresh || refresh.client_id !== client.client_id) return refuse('invalid_code');
      // Token-endpoint faults run in the pipeline (http/behaviours.ts); the mint limit is here.
      const nowMs = ctx.clock.now();
      if (!tokenMintAllowed(ctx.store, refresh.token, config.tokenMintLimit, nowMs)) {
        return reply.code(config.tokenMintRefusalStatus).send(tokenMintRefusalBody(config.tokenErrorLocale));
      }
      const token = mintAccessToken(
        ctx.store,
        { userId: refresh.user_id, orgId: refresh.org_id, clientId: client.client_id, refreshToken: refresh.token },
        nowMs,
      );
      ctx.stats.countTokenGrant();
      const revoked = ctx.store.revokeOldestTokens(
        refresh.token,
        config.liveTokenLimit,
        config.accessTokenTtlSeconds,
        nowMs,
      );
      if (revoked > 0) ctx.stats.countTokensRevoked(revoked);
      const body: ZohoTokenResponse = {
        access_token: token,
        scope: refresh.scope,
        api_domain: ownBaseUrl(req),
        token_type: 'Bearer',
        expires_in: ctx.config.current.accessTokenTtlSeconds,
      };
      return body;
    });
  });
}
