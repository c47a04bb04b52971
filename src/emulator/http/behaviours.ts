/**
 * The pipeline stages that make the emulator behave like a loaded Zoho: faults, the concurrency
 * limit, daily credits and latency, wired into app.ts at its numbered places (see the pipeline
 * comment there):
 *
 *   (2)  faults in phase 'before'                       onRequest, before the token check
 *   (3b) concurrency → mail sub-concurrency → credits   onRequest, after the token check (limits
 *                                                        are per caller, so they need the token)
 *   (4a) latency, then abandoned writes                 preHandler, once the body is read
 *   (5)  X-API-CREDITS-REMAINING, faults in phase 'after'   onSend
 *
 * plus the fault admin routes (`POST/GET/DELETE /__emulator/faults`). The state lives in one
 * `Behaviours` object per emulator (behaviour-state.ts), reachable as `ctx.behaviours`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { ZohoHttpError } from './errors.ts';
import { isAdministrator, mayTouchMailOf, noPermission } from './permissions.ts';
import { TOKEN_ROUTE, faultBody, parseFaultSpec, tokenFaultBody, type Fault } from './faults.ts';
import { CREDITS_REMAINING_HEADER, isMailRoute, latencyDelayMs, sleep, tooManyRequestsBody } from './limits.ts';

/** Faults drawn in phase 'after', waiting for the response they spoil. */
const pendingAfter = new WeakMap<FastifyRequest, { fault: Fault; token: boolean }>();
/** The value of X-API-CREDITS-REMAINING for a response, once half the credits are spent. */
const creditsLeft = new WeakMap<FastifyRequest, number>();

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The key a fault names this call by: the stats key for /crm, or the token endpoint's. */
function faultKeyOf(req: FastifyRequest): string | null {
  if (req.crm) return req.crm.routeKey;
  if (req.method === 'POST' && pathOf(req.url) === '/oauth/v2/token') return TOKEN_ROUTE;
  return null;
}

function jsonBodyOf(fault: Fault, token: boolean): unknown {
  return token ? tokenFaultBody(fault.status) : faultBody(fault.status);
}

// ---------------------------------------------------------------- stage 2: faults 'before'
export function registerFaultStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req, reply) => {
    const key = faultKeyOf(req);
    if (key === null) return;
    const fault = ctx.behaviours.faults.draw(key);
    if (!fault) return;
    const token = key === TOKEN_ROUTE;
    if (fault.phase === 'after') {
      pendingAfter.set(req, { fault, token });
      return;
    }
    return failBefore(req, reply, fault, token, ctx);
  });

  // A held connection is never idle: shutting down must cut it.
  app.addHook('preClose', async () => ctx.behaviours.held.destroyAll());
}

function failBefore(
  req: FastifyRequest,
  reply: FastifyReply,
  fault: Fault,
  token: boolean,
  ctx: EmulatorContext,
): FastifyReply {
  switch (fault.mode) {
    case 'status':
      return reply.code(fault.status).send(jsonBodyOf(fault, token));
    case 'reset':
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    case 'timeout':
      // Nothing is ever written: the client decides when to give up.
      reply.hijack();
      void ctx.behaviours.held.hold(req.raw.socket);
      return reply;
  }
}

// ---------------------------------------------------------------- stage 3b: limits and latency
export function registerLimitStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req, reply) => {
    const caller = req.crm?.caller;
    if (!caller) return;
    const config = ctx.config.current;
    const b = ctx.behaviours;
    // Zoho counts concurrency per user and OAuth app (docs/zoho-notes.md §14).
    const who = `${caller.orgId}:${caller.userId}:${caller.clientId ?? ''}`;
    const release = b.gate.tryEnter(who, config.concurrencyLimit);
    if (!release) throw new ZohoHttpError(429, tooManyRequestsBody());
    reply.raw.once('close', release);
    // Mail is one of Zoho's heavy APIs, with a sub-concurrency limit of its own (docs/zoho-notes.md §14):
    // a call beyond it is refused like one beyond the main limit, and frees its main slot.
    if (isMailRoute(req.crm!.routeKey)) {
      const releaseMail = b.mailGate.tryEnter(who, config.mailConcurrencyLimit);
      if (!releaseMail) {
        release();
        throw new ZohoHttpError(429, tooManyRequestsBody());
      }
      reply.raw.once('close', releaseMail);
    }
    // Credits are the org's (docs/zoho-notes.md §14); a call refused for concurrency spends none.
    const credit = b.credits.spend(caller.orgId, config.dailyCredits);
    if (!credit.allowed) {
      creditsLeft.set(req, 0);
      throw new ZohoHttpError(429, tooManyRequestsBody());
    }
    if (credit.remaining !== null) creditsLeft.set(req, credit.remaining);
    // The client may give up while the call is at work (a timeout, a reset): noted for the
    // abandoned-write decision below.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) clientGone.add(req);
    });
  });

  // Latency runs once the body is read, inside the gate (a slow call holds its concurrency slot,
  // as on Zoho): a client that gives up during it has delivered its whole request, as Zoho would
  // have received it. Whether such an abandoned write is then applied is `applyAbandonedWrites`.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.crm?.caller) return;
    const config = ctx.config.current;
    await sleep(latencyDelayMs(config.latencyMs, config.jitterMs));
    if (!clientGone.has(req) || !WRITE_METHODS.has(req.method)) return;
    if (ctx.config.current.applyAbandonedWrites) {
      ctx.stats.countAbandonedWrite('applied');
      return;
    }
    ctx.stats.countAbandonedWrite('dropped');
    // Nobody is listening: end the exchange without running the handler.
    reply.hijack();
  });
}

/** Requests whose client closed the connection before the answer. */
const clientGone = new WeakSet<FastifyRequest>();
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// ---------------------------------------------------------------- stage 4a: whose mail
/**
 * A non-administrator reading, linking or unlinking mail of another user's mailbox gets 403
 * NO_PERMISSION for the whole call (http/permissions.ts). Checked before the handler, once the
 * body is parsed, for the email routes that name message ids; an id that names no email is left
 * to the route, which answers it as Zoho does.
 */
export function registerMailPermissionStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('preHandler', async (req) => {
    const caller = req.crm?.caller;
    if (!caller || !req.crm!.routeKey.includes('/Emails')) return;
    if (isAdministrator(ctx.store, caller.orgId, caller.userId)) return;
    const key = req.crm!.routeKey;
    const params = (req.params ?? {}) as { messageId?: string };
    const ids: unknown[] = [];
    if (key.endsWith('/Emails/{message_id}') || key.endsWith('/Emails/{message_id}/actions/link_record')) {
      ids.push(params.messageId);
    } else if (key === 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record') {
      const emails = (req.body as { Emails?: unknown } | undefined)?.Emails;
      if (Array.isArray(emails))
        for (const item of emails) ids.push((item as { message_id?: unknown } | null)?.message_id);
    } else if (key === 'DELETE /crm/v8/Contacts/{id}/Emails/actions/link_record') {
      ids.push(...(queryValue(req, 'message_ids') ?? '').split(',').map((id) => id.trim()));
    } else if (key.endsWith('/Emails') && req.method === 'GET') {
      // Listing another user's mailbox (type=user_emails&owner_id=…).
      const ownerId = queryValue(req, 'owner_id');
      if (ownerId !== undefined && ownerId !== '' && ownerId !== caller.userId) throw noPermission();
    }
    for (const id of ids) {
      if (typeof id !== 'string' || id === '') continue;
      const row = ctx.store.getEmail(caller.orgId, id);
      if (row && !mayTouchMailOf(ctx.store, caller, row.owner_id)) throw noPermission();
    }
  });
}

function queryValue(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

// ---------------------------------------------------------------- stage 5: onSend
export function registerAfterStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const left = creditsLeft.get(req);
    if (left !== undefined) reply.header(CREDITS_REMAINING_HEADER, String(left));
    const pending = pendingAfter.get(req);
    if (!pending) return payload;
    pendingAfter.delete(req);
    const { fault, token } = pending;
    switch (fault.mode) {
      case 'status':
        reply.code(fault.status);
        reply.header('content-type', 'application/json; charset=utf-8');
        return JSON.stringify(jsonBodyOf(fault, token));
      case 'reset':
        req.raw.socket.destroy();
        return payload;
      case 'timeout':
        await ctx.behaviours.held.hold(req.raw.socket);
        return payload;
    }
  });
}

// ---------------------------------------------------------------- admin: /__emulator/faults
export function registerFaultAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/__emulator/faults', async () => ({ faults: ctx.behaviours.faults.list() }));

  app.post('/__emulator/faults', async (req, reply) => {
    const parsed = parseFaultSpec(req.body);
    if (!parsed.ok) return reply.code(400).send({ error: `invalid fault: ${parsed.message}` });
    if (parsed.spec.mode !== undefined && parsed.spec.mode !== 'status' && parsed.spec.status !== undefined) {
      return reply.code(400).send({ error: 'invalid fault: status applies to mode "status" only' });
    }
    const fault = ctx.behaviours.faults.add(parsed.spec);
    return { fault, faults: ctx.behaviours.faults.list() };
  });

  app.delete('/__emulator/faults', async () => {
    const cleared = ctx.behaviours.faults.list().length;
    ctx.behaviours.faults.clear();
    return { cleared };
  });
}
