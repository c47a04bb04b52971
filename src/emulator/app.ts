/**
 * Builds the emulator's Fastify app. Every /crm request passes the same pipeline, in this order:
 *
 *   (1) route key: the templated key is computed from the raw URL and counted in stats, with the
 *       in-flight gauge; every /crm request is counted, rejected ones included;
 *   (2) faults in phase 'before';
 *   (3) token check: `Authorization: Zoho-oauthtoken …`, else 401 INVALID_TOKEN; then the
 *       concurrency limit, the mail sub-concurrency limit and daily credits;
 *   (4) once the body is read: latency, then whether an abandoned write runs, the mail
 *       permission check, and the route handler (routes/*.ts);
 *   (5) faults in phase 'after', the X-API-CREDITS-REMAINING header.
 *
 * Stages 1–3 are onRequest hooks (registered in order, so they run in order, and before the body
 * is parsed); stage 4's checks are preHandler hooks; stage 5 belongs in onSend hooks. Admin
 * (/__emulator) and token (/oauth) calls skip the /crm stages.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { EmulatorClock } from './clock.ts';
import type { ConfigHolder } from './config.ts';
import { authenticate } from './http/auth.ts';
import { Behaviours } from './http/behaviour-state.ts';
import {
  registerAfterStage,
  registerFaultAdminRoutes,
  registerFaultStage,
  registerLimitStage,
  registerMailPermissionStage,
} from './http/behaviours.ts';
import { ZohoHttpError, errors } from './http/errors.ts';
import { isCrmUrl, routeKeyOf } from './http/route-key.ts';
import type { Stats } from './http/stats.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerAssociateRoutes } from './routes/associate.ts';
import { registerInboundRoutes } from './routes/inbound.ts';
import { registerMetadataRoutes } from './routes/metadata.ts';
import { registerEmailRoutes } from './routes/emails.ts';
import { registerLinkRoutes } from './routes/links.ts';
import { registerOAuthRoutes } from './routes/oauth.ts';
import { registerOrgRoutes } from './routes/org.ts';
import { registerRecordRoutes } from './routes/records.ts';
import { registerSettingsRoutes } from './routes/settings.ts';
import type { EmulatorContext } from './context.ts';
import { registerUserRoutes } from './routes/users.ts';
import type { Store } from './store/index.ts';

export type { EmulatorContext } from './context.ts';

/** Largest request body accepted, in bytes; larger ones get 413 in Zoho's envelope. */
export const BODY_LIMIT = 1024 * 1024;

export interface BuildAppOptions {
  store: Store;
  config: ConfigHolder;
  stats: Stats;
  clock: EmulatorClock;
  reseed(): void;
  logger?: boolean;
}

/** Keeps secrets out of request logs: no query string (the token endpoint takes secrets there). */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

// ---------------------------------------------------------------- stage 1: route key and stats
function registerRouteKeyStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!isCrmUrl(req.url)) return;
    req.crm = { routeKey: routeKeyOf(req.method, req.url), caller: null };
    ctx.stats.countRequest(req.crm.routeKey);
    ctx.stats.enter();
    // 'close' fires however the exchange ends (answered, reset, or abandoned by the client).
    reply.raw.once('close', () => ctx.stats.leave());
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.crm && reply.statusCode >= 400) ctx.stats.countRejected(reply.statusCode);
  });
}

// ---------------------------------------------------------------- stage 3: token check
function registerTokenStage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.addHook('onRequest', async (req) => {
    if (!req.crm) return;
    req.crm.caller = authenticate(req, ctx.store, ctx.config.current.accessTokenTtlSeconds, ctx.clock.now());
  });
}

// ---------------------------------------------------------------- bodies and errors
function registerBodyParsing(app: FastifyInstance): void {
  // JSON, and the url-encoded type: Zoho's own curl examples post a JSON file with `-d`, which
  // curl labels application/x-www-form-urlencoded, and Zoho reads it as JSON. A url-encoded body
  // that is not JSON is a form (the token endpoint's refresh-token grant). A body with no
  // Content-Type at all is read as JSON too: Zoho's Node SDK sets the header only for bulk URLs,
  // so it posts associate_email bodies without one. Any other content type is 415 in Zoho's
  // envelope (the token endpoint adds multipart in its own scope). An empty body is "no body"
  // (DELETE and GET callers often send the header anyway).
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const jsonOrNothing = (
    req: FastifyRequest,
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return parseJson(req, text, done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, jsonOrNothing);
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (req, body, done) => {
      const text = typeof body === 'string' ? body.trim() : '';
      if (text === '') return done(null, undefined);
      if (text.startsWith('{') || text.startsWith('[')) return parseJson(req, text, done);
      return done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );
  // Fastify hands a body without Content-Type to the catch-all parser, and any type nothing else
  // claims: the first is JSON, the rest 415.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    if (req.headers['content-type'] !== undefined) return done(errors.unsupportedMediaType());
    return jsonOrNothing(req, body, done);
  });
}

function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, req, reply) => {
    if (error instanceof ZohoHttpError) return reply.code(error.statusCode).send(error.body);
    const code = (error as { code?: string }).code;
    let mapped: ZohoHttpError;
    switch (code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        mapped = errors.unsupportedMediaType();
        break;
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
        mapped = errors.bodyTooLarge(BODY_LIMIT);
        break;
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        mapped = errors.invalidJson();
        break;
      default: {
        const status = (error as { statusCode?: number }).statusCode;
        if (error instanceof SyntaxError || (status !== undefined && status >= 400 && status < 500)) {
          mapped = errors.invalidJson();
        } else {
          // Unexpected: logged by message only (never a stack), answered as Zoho's bare 500.
          req.log.error(
            { code, msg: error instanceof Error ? error.message : String(error) },
            'emulator internal error',
          );
          mapped = errors.internal();
        }
      }
    }
    return reply.code(mapped.statusCode).send(mapped.body);
  });
  app.setNotFoundHandler((_req, reply) => {
    const e = errors.invalidUrlPattern();
    return reply.code(e.statusCode).send(e.body);
  });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Zoho answers a method a path does not take with 400 INVALID_REQUEST_METHOD, not 404: every /crm
 * route pattern gets the methods it lacks, answered that way. Call before any route is added;
 * `complete()` adds them once all the routes are in.
 */
function methodsNotAllowed(app: FastifyInstance): { complete(): void } {
  const byUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/crm/')) return;
    const methods = byUrl.get(route.url) ?? new Set<string>();
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) methods.add(m);
    byUrl.set(route.url, methods);
  });
  return {
    complete() {
      for (const [url, methods] of [...byUrl]) {
        const missing = METHODS.filter((m) => !methods.has(m));
        if (missing.length === 0) continue;
        app.route({
          method: missing,
          url,
          handler: async () => {
            throw errors.invalidRequestMethod();
          },
        });
      }
    },
  };
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: opts.logger
      ? {
          level: 'info',
          serializers: {
            req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
          },
        }
      : false,
    // Zoho paths are case-sensitive and never carry a trailing slash.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
    // Timeout faults hold connections open; closing must not wait for their clients.
    forceCloseConnections: true,
  });
  const ctx: EmulatorContext = {
    store: opts.store,
    config: opts.config,
    stats: opts.stats,
    behaviours: new Behaviours(opts.clock),
    clock: opts.clock,
    reseed: opts.reseed,
  };
  app.decorateRequest('crm', null);
  registerBodyParsing(app);
  registerErrorHandling(app);

  // (1) route key and stats
  registerRouteKeyStage(app, ctx);

  // (2) onRequest hooks on /crm requests (`req.crm` is set):
  //      faults 'before' (also on the token endpoint); the limits need the caller, so they follow (3)
  registerFaultStage(app, ctx);

  // (3) token check
  registerTokenStage(app, ctx);
  //      concurrency limit → daily credits → latency
  registerLimitStage(app, ctx);
  //      (preHandler) a non-administrator touching another user's mail: 403 NO_PERMISSION
  registerMailPermissionStage(app, ctx);

  // (4) route handlers
  const wrongMethods = methodsNotAllowed(app);
  await registerOAuthRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerRecordRoutes(app, ctx);
  registerEmailRoutes(app, ctx);
  registerLinkRoutes(app, ctx);
  //      associate, metadata, settings, inbound mail, fault admin
  registerAssociateRoutes(app, ctx);
  registerMetadataRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerInboundRoutes(app, ctx);
  registerFaultAdminRoutes(app, ctx);
  wrongMethods.complete();

  // (5) onSend hooks on /crm requests:
  //      faults 'after' → X-API-CREDITS-REMAINING
  registerAfterStage(app, ctx);

  return app;
}
