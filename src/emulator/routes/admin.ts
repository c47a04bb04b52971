/**
 * The emulator's admin API under /__emulator (CONTRACT.md), first part: stats, reset, tokens,
 * config and the clock. Admin calls are not /crm calls: no token, not counted, not limited. Errors here are
 * plain `{error}` JSON with 400, since no Zoho client ever reads them.
 */
import type { FastifyInstance } from 'fastify';
import { parseClockChange } from '../clock.ts';
import { parseConfigPatch } from '../config.ts';
import { mintAccessToken, ownBaseUrl } from '../http/auth.ts';
import { DEMO_CREDENTIALS, refreshTokenFor } from '../seed/index.ts';
import type { EmulatorContext } from '../context.ts';

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/__emulator/stats', async () => ctx.stats.snapshot());

  app.post('/__emulator/stats/reset', async () => {
    ctx.stats.reset();
    // The credit window is a counter too: a benchmark run starts with a full budget.
    ctx.behaviours.resetCounters();
    return ctx.stats.snapshot();
  });

  app.post('/__emulator/reset', async () => {
    ctx.reseed();
    ctx.behaviours.resetAll();
    ctx.clock.reset();
    return { ok: true };
  });

  app.get('/__emulator/config', async () => ctx.config.current);

  app.put('/__emulator/config', async (req, reply) => {
    const parsed = parseConfigPatch(req.body ?? {});
    if (!parsed.ok) return reply.code(400).send({ error: `invalid config: ${parsed.error}` });
    // Setting a budget starts a fresh 24-hour window, so a test gets exactly what it set.
    if (parsed.value.dailyCredits !== undefined) ctx.behaviours.resetCounters();
    return ctx.config.update(parsed.value);
  });

  /**
   * Mints a usable token: with no body, for the demo user with the demo credentials. A body
   * `{"refreshToken": "..."}` mints for that refresh token's user (another user or org);
   * `{"org": "second"}` for the second org's user; `{"user": "<user id>"}` for that user
   * (e.g. DEMO_SECOND_USER_ID, a non-admin of the demo org). The answer carries the refresh token,
   * client id and secret of that user, usable with `POST /oauth/v2/token`.
   */
  app.post('/__emulator/tokens', async (req, reply) => {
    const body = (req.body ?? {}) as { refreshToken?: unknown; org?: unknown; user?: unknown };
    const refreshToken =
      typeof body.refreshToken === 'string'
        ? body.refreshToken
        : body.org !== undefined || body.user !== undefined
          ? refreshTokenFor(ctx.store, { org: body.org, user: body.user })
          : DEMO_CREDENTIALS.refreshToken;
    if (refreshToken === undefined) return reply.code(400).send({ error: 'unknown org or user' });
    const refresh = ctx.store.findRefreshToken(refreshToken);
    if (!refresh) return reply.code(400).send({ error: 'unknown refresh token' });
    const client = ctx.store.findClient(refresh.client_id);
    const token = mintAccessToken(
      ctx.store,
      { userId: refresh.user_id, orgId: refresh.org_id, clientId: refresh.client_id, refreshToken: null },
      ctx.clock.now(),
    );
    ctx.stats.countTokenGrant();
    return {
      access_token: token,
      refresh_token: refresh.token,
      client_id: refresh.client_id,
      client_secret: client?.client_secret ?? null,
      api_domain: ownBaseUrl(req),
      expires_in: ctx.config.current.accessTokenTtlSeconds,
      user_id: refresh.user_id,
      org_id: refresh.org_id,
    };
  });

  app.get('/__emulator/clock', async () => ctx.clock.snapshot());

  /**
   * Moves the emulator's clock: `{"advanceMs": N}` forward by N ms, `{"nowMs": N}` to that moment.
   * Tokens issued before then keep their issue time, so advancing past the TTL expires them.
   */
  app.post('/__emulator/clock', async (req, reply) => {
    const parsed = parseClockChange(req.body ?? {});
    if (!parsed.ok) return reply.code(400).send({ error: `invalid clock change: ${parsed.error}` });
    return ctx.clock.apply(parsed.value);
  });

  app.delete('/__emulator/clock', async () => ctx.clock.reset());
}
