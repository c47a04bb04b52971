/**
 * The gateway's HTTP server: Apollo Server 5 on Fastify, serving the subgraph at /graphql, with
 * on the same server: caller authentication, CORS, query limits, /health/live, /health/ready and
 * /metrics, structured logs with a request id that is also sent to Zoho.
 */
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ZohoError, type ZohoClient, type ZohoRequest, type ZohoRequester, OrgCache } from '../zoho/index.ts';
import { createLoaders } from '../loaders/index.ts';
import { DEFAULT_LIMITS, type CallerAuthSettings, type LogLevel, type QueryLimits } from '../settings.ts';
import { DEFAULT_PREDICTION_RULE, type PredictionRule } from '../domain/prediction.ts';
import { createCallerAuth, registerCallerAuth } from '../http/auth.ts';
import { registerCors } from '../http/cors.ts';
import { registerPersistedOperations, type PersistedOperations } from '../http/persisted-operations.ts';
import { registerHealthRoutes } from '../http/health.ts';
import { registerMetricsRoute } from '../http/metrics.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../http/request-id.ts';
import { createLogger, REDACTED } from '../observability/logger.ts';
import { createTelemetry, type Telemetry } from '../observability/telemetry.ts';
import { operationSpanPlugin, upstreamTraceparent } from '../observability/tracing.ts';
import type { GatewayContext } from './context.ts';
import { formatError, gatewayError } from './errors.ts';
import { formatQueryLimitError, queryLimitRules, tokenLimitError } from './limits.ts';
import { CostModel } from './cost.ts';
import { zohoCallsPlugin } from './zoho-calls.ts';
import { CallMeter, metered } from '../services/call-meter.ts';
import type { CallerQuota } from '../services/caller-quota.ts';
import { persistedQueryProblem, refuseSubscriptions } from './request-checks.ts';
import { SqliteStateStore } from '../state/sqlite.ts';
import type { StateStore } from '../state/types.ts';
import { newProcessId, Operations } from '../services/operations.ts';
import { RecoveryWorker } from '../services/recovery.ts';
import { invalidInput, RequestRefusedError } from '../domain/errors.ts';
import { buildGatewaySchema } from './schema.ts';
import {
  GRAPHIQL_PATH,
  sandboxApolloConfig,
  sandboxHeaders,
  resolveSandboxSettings,
  type SandboxSettings,
} from './sandbox.ts';
import { GRAPHIQL_CSP, renderGraphiqlPage } from './graphiql.ts';

export const GRAPHQL_PATH = '/graphql';
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
/** Below a router's usual 30 s subgraph timeout, so that the answer arrives before the router gives up. */
export const DEFAULT_REQUEST_DEADLINE_MS = 20_000;
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
export const DEFAULT_LEASE_MS = 15_000;

export interface GatewayOptions {
  zoho: ZohoClient;
  /** Shared across requests: per-org metadata and users. */
  orgCache?: OrgCache;
  /**
   * The durable state of mutations: idempotency keys and the move journal. Default: an in-memory
   * SQLite store (nothing survives the process; main.ts passes the file store).
   */
  state?: StateStore;
  /** How long idempotency keys and their results are kept (GATEWAY_IDEMPOTENCY_TTL_MS). */
  idempotencyTtlMs?: number;
  /** How long a running operation's lease lasts before another process may presume its owner dead. */
  leaseMs?: number;
  /**
   * How long the gateway works on one request before it answers whatever it has
   * (GATEWAY_REQUEST_DEADLINE_MS): Zoho calls wait for a slot and retry 429s only until then.
   */
  requestDeadlineMs?: number;
  /** How long a request, body included, may take to arrive (GATEWAY_BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
  /** The clock (epoch ms) of the truth rules; tests set it. */
  now?: () => number;
  /** Bench only: turns batching and write coalescing off (the `unbatched` variant). */
  batching?: boolean;
  logger?: Logger;
  /** Without `logger`: the level of the gateway's own (default warn: quiet for embedders and tests). */
  logLevel?: LogLevel;
  /**
   * Who may call. Absent: nobody needs to authenticate (development, tests), except in
   * pass-through mode, where every caller sends its own Zoho token. main.ts passes the validated
   * configuration, which refuses to start open where it must not be.
   */
  auth?: CallerAuthSettings;
  /** Origins allowed by CORS; none by default. */
  corsOrigins?: readonly string[];
  /**
   * Also allow any localhost / 127.0.0.1 / [::1] origin, on any port (development: a Vite dev
   * server, the example app). Off by default; main.ts turns it on unless NODE_ENV=production.
   */
  corsLoopbackOrigins?: boolean;
  /** `Query.node` and `Query.nodes` (GATEWAY_RELAY_NODE). Default: on. */
  relayNode?: boolean;
  /** Operations a client may send by hash alone from its first request (GATEWAY_PERSISTED_OPERATIONS). */
  persistedOperations?: PersistedOperations;
  /** Query limits; each one defaults to DEFAULT_LIMITS. */
  limits?: Partial<QueryLimits>;
  /** Zoho calls per minute per caller (GATEWAY_CALLER_ZOHO_CALLS_PER_MINUTE); absent: no quota. */
  callerQuota?: CallerQuota | null;
  /**
   * Metrics and Zoho reachability. Give the same object to the client (zohoClientOptions) so that
   * Zoho calls are counted and readiness needs no probe while traffic flows; without it the
   * gateway makes its own, which sees GraphQL operations only.
   */
  telemetry?: Telemetry;
  /** Which deals Contact.dealPrediction may choose; default OPEN (src/config.ts reads it). */
  predictionRule?: PredictionRule;
  /**
   * Apollo Sandbox at /graphql, GraphiQL at /graphiql and introspection (src/graphql/sandbox.ts).
   * Absent: all on, as in development; main.ts passes what src/config.ts resolved from NODE_ENV,
   * GATEWAY_LANDING_PAGE, GATEWAY_GRAPHIQL and GATEWAY_INTROSPECTION.
   */
  sandbox?: SandboxSettings;
}

/** Logs what formatError hides from clients: unexpected errors, with their stack, server-side only. */
function logUnexpectedErrors(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code && code !== 'INTERNAL_SERVER_ERROR') continue;
            const original = unwrapResolverError(error);
            // A refusal the workflow meant (a bad input, a key in use): the caller's to fix.
            if (original instanceof RequestRefusedError) continue;
            if (original instanceof ZohoError) {
              // Zoho failing or refusing is not a bug: the client logged the call; one line here.
              logger.warn(
                {
                  requestId: contextValue?.requestId,
                  operationName,
                  path: error.path,
                  zoho: { code: original.code, kind: original.kind, status: original.status },
                },
                'a field failed because of Zoho',
              );
              continue;
            }
            logger.error(
              { err: original, requestId: contextValue?.requestId, operationName, path: error.path },
              'unexpected error while executing an operation',
            );
          }
        },
      };
    },
  };
}

/**
 * Every Zoho call made for this request carries its request id and trace context, the request's
 * deadline, and the request as the operation whose calls the budget serves in turn.
 */
function forRequest(
  inner: ZohoRequester,
  headers: Record<string, string>,
  call: { deadline: number; operation: string },
): ZohoRequester {
  return {
    mode: inner.mode,
    request: <T>(req: ZohoRequest) =>
      inner.request<T>({
        deadline: call.deadline,
        operation: call.operation,
        ...req,
        headers: { ...headers, ...req.headers },
      }),
    getOrgId: () => inner.getOrgId(),
    getUserId: () => inner.getUserId(),
    creditsRemaining: () => inner.creditsRemaining(),
  };
}

export interface Gateway {
  app: FastifyInstance;
  apollo: ApolloServer<GatewayContext>;
  telemetry: Telemetry;
  /** Durable mutations: idempotency keys and the move journal. */
  operations: Operations;
  /** The move journal's recovery, running while the gateway runs. */
  recovery: RecoveryWorker;
  /**
   * Shutdown has begun: readiness answers 503 from now on, while every other route keeps serving
   * (the drain delay; main.ts closes the listener after it). Responses close their connections.
   */
  beginShutdown(): void;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const deadlineMs = opts.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  // Quiet by default for embedders and tests; main.ts passes the configured logger.
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? 'warn' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Our own completion line below replaces Fastify's two lines per request.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // One logger for every request: the completion line below carries the request id itself, so
    // no child logger (and its copy of the redaction) is made per request.
    childLoggerFactory: (parent) => parent,
    genReqId: requestIdFrom,
    bodyLimit: 1024 * 1024,
    // A request (headers and body) must arrive within this, or it is answered 408 and its socket
    // closed: a slow or stalled client cannot hold connections open. Node checks the timeout on
    // an interval (30 s by default), hence our own server with a tighter one.
    requestTimeout: bodyTimeoutMs,
    serverFactory: (handler) => {
      const server = createServer(
        {
          requestTimeout: bodyTimeoutMs,
          connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(bodyTimeoutMs / 4))),
        },
        handler,
      );
      // Fastify's own default, longer than the idle timeout of the usual load balancers and
      // routers in front, so that they never reuse a connection we are closing.
      server.keepAliveTimeout = 72_000;
      return server;
    },
  });
  const orgCache = opts.orgCache ?? new OrgCache();
  const late = { now: opts.now ?? Date.now, windowMs: opts.zoho.config.lateWriteWindowMs };
  const ownsState = !opts.state;
  const state = opts.state ?? new SqliteStateStore(':memory:');
  const telemetry = opts.telemetry ?? createTelemetry({ defaultMetrics: false });
  const { metrics, reachability } = telemetry;
  const operations = new Operations({
    store: state,
    processId: newProcessId(),
    now: late.now,
    keyTtlMs: opts.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    lateWriteWindowMs: late.windowMs,
    logger,
    onItemOutcomes: metrics.countItemOutcomes,
  });
  const passthrough = opts.zoho.mode === 'passthrough';
  const recovery = new RecoveryWorker({ operations, late, logger }, passthrough ? null : opts.zoho);
  /** Pass-through callers' moves are repaired on their next call, at most every few seconds per caller. */
  const repairedScopes = new Map<string, number>();
  const batch = opts.batching ?? true;
  const predictionRule = opts.predictionRule ?? DEFAULT_PREDICTION_RULE;
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  metrics.watchBudget(opts.zoho.budget);
  metrics.watchCredits(opts.zoho);
  metrics.watchState(state);
  let stopping = false;

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onSend', async (_request, reply) => {
    // While stopping (the drain delay included), a finished response also ends its keep-alive
    // connection: the client's next request opens a new one, which a load balancer that has seen
    // readiness turn 503 sends to another replica, and close() is not left waiting on idle sockets.
    if (stopping) reply.header('connection', 'close');
  });
  // The completion line's fields are built right here (a sane request id, the path without its
  // query, numbers and the caller's kind): none can hold a secret, so the line skips the
  // redaction, which costs several times the rest of the line with every path checked.
  const accessLog = logger.child({}, { redact: { paths: [], censor: REDACTED } });
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0];
    const line = {
      method: request.method,
      path,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      caller: request.principal?.kind,
    };
    if (path === GRAPHQL_PATH) accessLog.info({ requestId: request.id, ...line }, 'request completed');
    else if (accessLog.isLevelEnabled('debug'))
      accessLog.debug({ requestId: request.id, ...line }, 'request completed');
  });

  await registerCors(app, {
    origins: opts.corsOrigins ?? [],
    allowLoopbackOrigins: opts.corsLoopbackOrigins ?? false,
  });
  // Before the token limit below, which must count the operation a hash stands for.
  registerPersistedOperations(app, GRAPHQL_PATH, opts.persistedOperations ?? new Map());
  registerCallerAuth(app, createCallerAuth(opts.auth ?? { apiKeys: [], jwt: null }, opts.zoho.mode), {
    path: GRAPHQL_PATH,
    onRefused: () => metrics.operations.inc({ operation: 'unknown', type: 'unknown', outcome: 'UNAUTHENTICATED' }),
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== GRAPHQL_PATH) return;
    const params = (request.method === 'GET' ? request.query : request.body) as
      { query?: unknown; extensions?: unknown } | undefined;
    const refused = tokenLimitError(params?.query, limits.maxTokens);
    if (refused) {
      metrics.operations.inc({ operation: 'unknown', type: 'unknown', outcome: refused.limitCode });
      return reply.code(400).send({
        errors: [{ message: refused.message, extensions: { code: refused.limitCode, limit: refused.limit } }],
      });
    }
    const problem = params ? persistedQueryProblem(params) : null;
    if (problem) {
      metrics.operations.inc({ operation: 'unknown', type: 'unknown', outcome: problem.code });
      return reply.code(400).send({ errors: [{ message: problem.message, extensions: { code: problem.code } }] });
    }
  });

  registerHealthRoutes(app, { zoho: opts.zoho, reachability, stopping: () => stopping });
  registerMetricsRoute(app, metrics.registry);

  const schema = buildGatewaySchema({ relayNode: opts.relayNode ?? true });
  const sandboxSettings = opts.sandbox ?? resolveSandboxSettings({ production: false });
  const sandbox = sandboxApolloConfig({ settings: sandboxSettings, auth: opts.auth, zohoMode: opts.zoho.mode });
  if (sandboxSettings.graphiql) {
    // Rendered once: the page holds no secret, only placeholders for the headers to send.
    const html = await renderGraphiqlPage({ headers: sandboxHeaders(opts.auth, opts.zoho.mode) });
    app.get(GRAPHIQL_PATH, async (_request, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', GRAPHIQL_CSP)
        .header('cache-control', 'no-cache')
        .send(html),
    );
  }
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    formatError: (formatted: GraphQLFormattedError, error: unknown) => {
      const limit = formatQueryLimitError(error);
      if (limit) return { ...(formatted.locations ? { locations: formatted.locations } : {}), ...limit };
      return formatError(formatted, error);
    },
    validationRules: queryLimitRules(limits),
    // graphql-js's own bound, for documents that reach Apollo without the HTTP check above.
    parseOptions: { maxTokens: limits.maxTokens },
    // Never, in any environment: clients must not see stack traces.
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM and SIGINT (the drain, then the close). Apollo's own handlers, on by
    // default outside NODE_ENV=test, would stop the server at the first signal and send it again.
    stopOnTerminationSignals: false,
    introspection: sandbox.introspection,
    plugins: [
      ...sandbox.plugins,
      fastifyApolloDrainPlugin(app),
      refuseSubscriptions(),
      logUnexpectedErrors(logger),
      metrics.apolloPlugin(),
      zohoCallsPlugin({
        model: new CostModel(schema),
        maxCalls: limits.maxZohoCalls,
        maxEntities: limits.maxEntities,
        quota: opts.callerQuota ?? null,
      }),
      operationSpanPlugin(),
      // Inline traces are for Apollo's usage reporting through a router; nothing here consumes them.
      ApolloServerPluginInlineTraceDisabled(),
      // No cache hints are set anywhere, and the answers are private: nothing for it to compute.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    context: async (request) => {
      let requester: ZohoRequester;
      try {
        // The caller's own token in pass-through mode; the gateway's credentials otherwise.
        requester = opts.zoho.requesterFor(request.headers.authorization);
      } catch (e) {
        if (e instanceof ZohoError) {
          throw gatewayError('UNAUTHENTICATED', e.message, { http: { status: 401 } });
        }
        throw e;
      }
      const traceparent = upstreamTraceparent(request.headers.traceparent);
      const meter = new CallMeter(limits.maxZohoCalls);
      const zoho = metered(
        forRequest(
          requester,
          { [REQUEST_ID_HEADER]: request.id, ...(traceparent ? { traceparent } : {}) },
          { deadline: late.now() + deadlineMs, operation: request.id },
        ),
        meter,
      );
      const principal = request.principal;
      const callerScope = async (keyed: boolean): Promise<string> => {
        if (passthrough) return `zoho:${await zoho.getOrgId()}:${await zoho.getUserId()}`;
        if (principal?.kind === 'api-key') return `key:${principal.keyId}`;
        if (principal?.kind === 'jwt') {
          if (principal.subject === null && keyed) {
            throw invalidInput('An idempotencyKey needs a caller: a JWT with a sub claim.', {
              field: 'idempotencyKey',
            });
          }
          return `jwt:${principal.subject ?? ''}`;
        }
        return 'local';
      };
      if (passthrough) {
        void callerScope(false)
          .then((scope) => {
            const last = repairedScopes.get(scope) ?? 0;
            if (late.now() - last < 5_000) return;
            repairedScopes.set(scope, late.now());
            if (repairedScopes.size > 10_000) repairedScopes.clear();
            return recovery.repairDue(zoho, scope);
          })
          .catch((e: unknown) => logger.warn({ err: e }, 'could not repair the moves of a pass-through caller'));
      }
      return {
        requestId: request.id,
        zoho,
        loaders: createLoaders(zoho, { batch, onBatch: metrics.onLoaderBatch }),
        orgCache,
        late,
        operations,
        callerScope,
        predictionRule,
        meter,
      };
    },
  });
  // The journal's recovery runs while the gateway does: first at start, then on every lease tick.
  app.addHook('onReady', async () => recovery.start());
  app.addHook('onClose', async () => {
    await recovery.stop();
    if (ownsState) await state.close();
  });
  return {
    app,
    apollo,
    telemetry,
    operations,
    recovery,
    beginShutdown: () => {
      stopping = true;
    },
  };
}

export interface StartedGateway extends Gateway {
  url: string;
  /**
   * Stops taking new requests and lets the ones in flight finish (Fastify's close: the listener
   * closes, idle keep-alive connections are dropped, requests that arrive on busy ones get 503).
   * Begins the shutdown first if beginShutdown() has not; any drain delay is the caller's, before.
   */
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions & { port?: number; host?: string }): Promise<StartedGateway> {
  const gw = await createGateway(opts);
  const host = opts.host ?? '127.0.0.1';
  await gw.app.listen({ port: opts.port ?? 0, host });
  const address = gw.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${GRAPHQL_PATH}`;
  return {
    ...gw,
    url,
    close: async () => {
      gw.beginShutdown();
      // Connections that turn idle after close() began are not closed by it: sweep them.
      const sweep = setInterval(() => gw.app.server.closeIdleConnections(), 100);
      try {
        await gw.app.close();
      } finally {
        clearInterval(sweep);
      }
    },
  };
}
