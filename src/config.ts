/**
 * The gateway's settings, read once at start from the environment and validated with zod. Every
 * mistake gets one line naming the variable and what to set, and the process stops before it
 * listens: a gateway that holds a company's CRM credentials must not start half-configured.
 *
 * This is the only module of the gateway that reads `process.env` (the emulator's own variables
 * are read by src/emulator/config.ts; test/ops/env-reads.test.ts holds both to it). Each variable
 * is parsed once, here, into values; the Zoho client, the server and the explorers take those
 * values and never see the environment. The Zoho client's cross-checks (a mode and its
 * credentials, the data centre, the hosts) run on them in resolveZohoConfig, and their errors are
 * reported here alongside ours.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  resolveZohoConfig,
  resolveZohoDc,
  ZohoConfigError,
  type ZohoConfig,
  type ZohoConfigInput,
} from './zoho/index.ts';
import { resolveSandboxSettings, type SandboxSettings } from './graphql/sandbox.ts';
import { DEFAULT_LIMITS, LOG_LEVELS, type CallerAuthSettings, type LogLevel, type QueryLimits } from './settings.ts';
import type { PredictionRule } from './domain/prediction.ts';
import {
  loadPersistedOperations,
  PersistedOperationsError,
  type PersistedOperations,
} from './http/persisted-operations.ts';

/** One operation holds at most this share of Zoho's concurrency: some slots stay free for the next request. */
export const DEFAULT_OPERATION_SHARE = 0.8;

/** Where idempotency keys and the move journal live, next to the emulator's database. */
export const DEFAULT_STATE_DB = 'data/gateway.sqlite';

/** The ZOHO_* variables whose presence means "not the embedded emulator". */
export const ZOHO_SETTINGS = [
  'ZOHO_API_BASE_URL',
  'ZOHO_CLIENT_ID',
  'ZOHO_CLIENT_SECRET',
  'ZOHO_REFRESH_TOKEN',
  'ZOHO_ACCESS_TOKEN',
  'ZOHO_AUTH_MODE',
] as const;

/**
 * The embedded emulator's client settings are known only once it listens (its URL), and its
 * credentials are the emulator's demo ones: main.ts completes `client` with both.
 */
export type ZohoTarget =
  | { kind: 'embedded'; emulatorPort: number; emulatorDb: string | null; client: ZohoTuning }
  | { kind: 'external'; config: ZohoConfig };

/** What the ZOHO_* variables say about how hard to push Zoho, whoever Zoho is. */
export type ZohoTuning = Pick<
  ZohoConfigInput,
  'dc' | 'concurrency' | 'timeoutMs' | 'lateWriteWindowMs' | 'mailConcurrency' | 'creditsCooldownMs' | 'proxyFromEnv'
>;

export interface GatewayConfig {
  nodeEnv: string;
  port: number;
  host: string;
  logLevel: LogLevel;
  zoho: ZohoTarget;
  auth: CallerAuthSettings;
  /** Origins allowed by CORS; empty means no cross-origin browser access; ['*'] means any. */
  corsOrigins: string[];
  /** Development only: any localhost / 127.0.0.1 / [::1] origin too, on any port. */
  corsLoopbackOrigins: boolean;
  /** Relay's `Query.node` / `Query.nodes` (GATEWAY_RELAY_NODE). */
  relayNode: boolean;
  /** Operations accepted by hash alone from the first request (GATEWAY_PERSISTED_OPERATIONS). */
  persistedOperations: PersistedOperations;
  readyCacheMs: number;
  /** From the signal to the exit, at most: the drain delay, then the requests in flight. */
  shutdownTimeoutMs: number;
  /**
   * After SIGTERM, how long the listener keeps serving while readiness answers 503, so that load
   * balancers stop routing here before connections are refused. Part of shutdownTimeoutMs.
   */
  drainDelayMs: number;
  /** How long a request, headers and body, may take to arrive before it is answered 408. */
  bodyTimeoutMs: number;
  /** How long the gateway works on one request: Zoho calls wait and retry 429s until then. */
  requestDeadlineMs: number;
  /** Idempotency keys and the move journal: their SQLite file, key lifetime and lease. */
  state: { db: string; idempotencyTtlMs: number; leaseMs: number };
  /** REDIS_URL: replicas that share Zoho credentials share limits, token and state (src/fleet/). */
  fleet: FleetConfig | null;
  limits: QueryLimits;
  /** The most of Zoho's concurrency one operation may hold (GATEWAY_OPERATION_SHARE). */
  operationShare: number;
  /** Zoho calls per minute each caller may make (GATEWAY_CALLER_ZOHO_CALLS_PER_MINUTE); null: no quota. */
  callerQuotaPerMinute: number | null;
  /** Reads shared between requests: identical GETs in flight, and a short cache (src/zoho/read-sharing.ts). */
  reads: { dedup: boolean; cacheMs: number };
  otel: { endpoint: string; serviceName: string } | null;
  /** Apollo Sandbox at /graphql, GraphiQL at /graphiql, introspection: on in development, off in production. */
  sandbox: SandboxSettings;
  /** Why caller authentication is (or is not) required: printed at start. */
  authRequirement: AuthRequirement;
  /** Which deals Contact.dealPrediction may choose (ZOHO_PREDICTION_ELIGIBLE; docs/prediction.md). */
  predictionRule: PredictionRule;
  /** Settings that are read no more, or are doubtful: logged at start. */
  warnings: string[];
}

export interface FleetConfig {
  /** May hold a password: never logged (see redisTarget). */
  redisUrl: string;
  expectedReplicas: number;
  slotLeaseMs: number;
  tokenKey: string | null;
  allowNoPersistence: boolean;
}

/** Where Redis is, without the credentials a URL may carry. */
export function redisTarget(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
}

export interface AuthRequirement {
  required: boolean;
  /** The reasons it is required, in words, e.g. "it holds real Zoho credentials (service mode)". */
  reasons: string[];
  configured: boolean;
}

export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
  constructor(readonly problems: string[]) {
    super(
      `The gateway's configuration has ${problems.length === 1 ? 'a mistake' : `${problems.length} mistakes`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const intVar = (min: number, max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `must be ${what}` })
      .refine((n) => Number.isInteger(n) && n >= min && n <= max, `must be ${what}`)
      .optional(),
  );

const port = intVar(0, 65_535, 'a port number (0-65535)');
const positive = (what = 'a positive whole number') => intVar(1, Number.MAX_SAFE_INTEGER, what);

const csv = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const httpUrl = z
  .string()
  .trim()
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const BOOLEAN = /^\s*(true|false|1|0|yes|no|on|off)\s*$/i;
const TRUE = /^\s*(true|1|yes|on)\s*$/i;
const bool = opt(
  z
    .string()
    .refine((v) => BOOLEAN.test(v), 'must be true or false')
    .transform((v) => TRUE.test(v)),
);
/** Any text; blank counts as unset. Checked, where it is, by whoever uses it (resolveZohoConfig). */
const text = opt(z.string());

/** Their presence makes axios look up a proxy for each Zoho call (src/zoho/transport.ts). */
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY'] as const;

const env = z.object({
  NODE_ENV: opt(z.string()),
  PORT: port,
  HOST: opt(z.string().trim().min(1)),
  EMULATOR_PORT: port,
  EMULATOR_DB: opt(z.string()),
  LOG_LEVEL: opt(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  GATEWAY_API_KEYS: opt(
    z
      .string()
      .transform(csv)
      .refine(
        (keys) => keys.every((k) => k.length >= 16),
        'each key must be at least 16 characters (use random keys, e.g. `openssl rand -hex 24`)',
      )
      .refine((keys) => keys.every((k) => /^[\x21-\x7e]+$/.test(k)), 'keys must be printable ASCII without spaces'),
  ),
  GATEWAY_JWT_SECRET: opt(z.string().min(32, 'must be at least 32 characters (an HMAC key for HS256/384/512)')),
  GATEWAY_JWKS_URL: opt(httpUrl),
  GATEWAY_JWT_ISSUER: opt(z.string().trim()),
  GATEWAY_JWT_AUDIENCE: opt(z.string().trim()),
  GATEWAY_CORS_ORIGINS: opt(
    z
      .string()
      .transform(csv)
      .superRefine((origins, ctx) => {
        for (const o of origins) {
          if (o === '*') continue;
          let ok: boolean;
          try {
            const u = new URL(o);
            ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o.replace(/\/$/, '');
          } catch {
            ok = false;
          }
          if (!ok)
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              message: `"${o}" is not an origin like https://app.example.com (scheme, host, optional port; no path)`,
            });
        }
      }),
  ),
  GATEWAY_READY_CACHE_MS: positive(),
  GATEWAY_SHUTDOWN_TIMEOUT_MS: positive(),
  GATEWAY_DRAIN_DELAY_MS: intVar(0, 600_000, 'a whole number of ms from 0 to 600000'),
  GATEWAY_BODY_TIMEOUT_MS: positive(),
  GATEWAY_REQUEST_DEADLINE_MS: intVar(1_000, 600_000, 'a whole number of ms from 1000 to 600000'),
  GATEWAY_STATE_DB: opt(z.string().trim().min(1)),
  GATEWAY_IDEMPOTENCY_TTL_MS: positive(),
  GATEWAY_LEASE_MS: intVar(1_000, 600_000, 'a whole number of ms from 1000 to 600000'),
  REDIS_URL: opt(
    z
      .string()
      .trim()
      .refine((s) => {
        try {
          return ['redis:', 'rediss:'].includes(new URL(s).protocol);
        } catch {
          return false;
        }
      }, 'must be a redis:// or rediss:// URL, e.g. redis://redis:6379/0'),
  ),
  GATEWAY_EXPECTED_REPLICAS: intVar(1, 1_000, 'a whole number from 1 to 1000'),
  GATEWAY_SLOT_LEASE_MS: intVar(500, 600_000, 'a whole number of ms from 500 to 600000'),
  GATEWAY_TOKEN_KEY: opt(
    z.string().refine((k) => k.length >= 32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)'),
  ),
  GATEWAY_REDIS_ALLOW_NO_PERSISTENCE: bool,
  GATEWAY_MAX_DEPTH: positive(),
  GATEWAY_MAX_ALIASES: intVar(0, 10_000, 'a whole number from 0 to 10000'),
  GATEWAY_MAX_TOKENS: positive(),
  GATEWAY_MAX_ZOHO_CALLS: positive(),
  GATEWAY_MAX_ENTITIES: positive(),
  GATEWAY_OPERATION_SHARE: opt(
    z.coerce
      .number({ error: 'must be a number above 0 and at most 1, e.g. 0.8' })
      .refine((n) => n > 0 && n <= 1, 'must be a number above 0 and at most 1, e.g. 0.8'),
  ),
  GATEWAY_CALLER_ZOHO_CALLS_PER_MINUTE: positive(),
  GATEWAY_READ_DEDUP: bool,
  GATEWAY_READ_CACHE_MS: intVar(0, 3_600_000, 'a whole number of ms from 0 to 3600000'),
  GATEWAY_MAX_DIRECTIVES: intVar(0, 10_000, 'a whole number from 0 to 10000'),
  GATEWAY_LANDING_PAGE: bool,
  GATEWAY_INTROSPECTION: bool,
  GATEWAY_GRAPHIQL: bool,
  GATEWAY_RELAY_NODE: bool,
  GATEWAY_PERSISTED_OPERATIONS: opt(z.string().trim()),
  // Zoho's hosts, credentials and mode: their cross-checks are the client's (resolveZohoConfig).
  ZOHO_API_BASE_URL: text,
  ZOHO_ACCOUNTS_URL: text,
  ZOHO_DC: text,
  ZOHO_AUTH_MODE: text,
  ZOHO_CLIENT_ID: text,
  ZOHO_CLIENT_SECRET: text,
  ZOHO_REFRESH_TOKEN: text,
  ZOHO_ACCESS_TOKEN: text,
  ZOHO_CONCURRENCY: positive(),
  ZOHO_TIMEOUT_MS: positive(),
  ZOHO_LATE_WRITE_WINDOW_MS: positive(),
  ZOHO_MAIL_CONCURRENCY: positive(),
  ZOHO_CREDITS_COOLDOWN_MS: positive(),
  // Ours, not Zoho's: the article's prediction rule reads two ways (docs/prediction.md).
  ZOHO_PREDICTION_ELIGIBLE: opt(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(
        z.enum(['open', 'not_closed_lost'], {
          error: 'must be open (only deals whose stage is Open) or not_closed_lost (any stage but Closed Lost)',
        }),
      ),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: opt(httpUrl),
  OTEL_SERVICE_NAME: opt(z.string().trim()),
});

type Env = z.infer<typeof env>;

/** Every variable the gateway reads (.env.example documents each; a test checks). */
export const GATEWAY_ENV_VARS: readonly string[] = Object.keys(env.shape);

/**
 * Parses each variable once, on its own, so that a mistake in one neither hides nor is hidden by
 * another: `values` holds every variable that is set and well-formed, `malformed` names the rest.
 */
function parseEach(source: Record<string, string | undefined>): {
  values: Env;
  malformed: Set<string>;
  problems: string[];
} {
  const values: Record<string, unknown> = {};
  const malformed = new Set<string>();
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(env.shape) as Array<[string, z.ZodType]>) {
    const parsed = schema.safeParse(source[name]);
    if (parsed.success) {
      if (parsed.data !== undefined) values[name] = parsed.data;
      continue;
    }
    malformed.add(name);
    for (const issue of parsed.error.issues) problems.push(`${[name, ...issue.path].join('.')}: ${issue.message}.`);
  }
  return { values: values as Env, malformed, problems };
}

function zohoTuning(v: Env, source: Record<string, string | undefined>): ZohoTuning {
  return {
    dc: v.ZOHO_DC,
    concurrency: v.ZOHO_CONCURRENCY,
    timeoutMs: v.ZOHO_TIMEOUT_MS,
    lateWriteWindowMs: v.ZOHO_LATE_WRITE_WINDOW_MS,
    mailConcurrency: v.ZOHO_MAIL_CONCURRENCY,
    creditsCooldownMs: v.ZOHO_CREDITS_COOLDOWN_MS,
    proxyFromEnv: PROXY_VARS.some((k) => !!source[k]?.trim() || !!source[k.toLowerCase()]?.trim()),
  };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

/**
 * Callers must authenticate whenever the gateway acts with credentials of its own against a real
 * Zoho, or listens beyond this machine. A Zoho on loopback is the emulator (embedded or
 * standalone). Pass-through needs nothing more: each caller brings its own Zoho token.
 */
export function callerAuthRequirement(zoho: ZohoTarget, host: string, auth: CallerAuthSettings): AuthRequirement {
  const reasons: string[] = [];
  const configured = auth.apiKeys.length > 0 || auth.jwt !== null;
  if (zoho.kind === 'external' && zoho.config.authMode === 'passthrough') {
    return { required: false, reasons, configured: true };
  }
  if (zoho.kind === 'external') {
    const upstream = zoho.config.apiBaseUrl;
    const local = upstream !== null && isLoopbackHost(new URL(upstream).hostname);
    if (!local)
      reasons.push(
        `it holds real Zoho credentials (${zoho.config.authMode} mode, Zoho at ${upstream ?? `the ${zoho.config.dc} data centre`})`,
      );
  }
  if (!isLoopbackHost(host)) reasons.push(`it binds to ${host}, which is reachable from other machines`);
  return { required: reasons.length > 0, reasons, configured };
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;
/** Long enough for a Kubernetes endpoint update or a few failed readiness probes to take effect. */
export const DEFAULT_DRAIN_DELAY_MS = 5_000;

/**
 * A drain delay helps only where a load balancer may route to this process, that is where it
 * listens beyond loopback; with the embedded emulator it is a development run, and Ctrl-C must stop
 * it at once (the demo image listens on 0.0.0.0 and embeds the emulator: no drain either).
 */
export function defaultDrainDelayMs(zoho: ZohoTarget, host: string): number {
  return zoho.kind === 'embedded' || isLoopbackHost(host) ? 0 : DEFAULT_DRAIN_DELAY_MS;
}

/**
 * Reads and checks everything; throws GatewayConfigError listing every mistake at once. The
 * source is the environment unless a test gives another.
 */
export function loadGatewayConfig(source: Record<string, string | undefined> = process.env): GatewayConfig {
  const { values: e, malformed, problems } = parseEach(source);
  // The checks across variables count a malformed variable as set: its own line says what is wrong
  // with it, and it must not bring a second, misleading one (an issuer "without" a secret that is
  // merely too short, authentication "missing" where the keys are merely too short).
  const given = (...names: Array<keyof Env>) => names.some((n) => e[n] !== undefined || malformed.has(n));

  let zoho: ZohoTarget | null = null;
  const tuning = zohoTuning(e, source);
  const embedded = !given(...ZOHO_SETTINGS);
  if (embedded) {
    // The emulator's URL stands in for the data centre's hosts, but a DC that is not one is still a mistake.
    try {
      tuning.dc = resolveZohoDc(tuning.dc);
    } catch (err) {
      if (!(err instanceof ZohoConfigError)) throw err;
      problems.push(`${err.message}.`);
    }
    zoho = {
      kind: 'embedded',
      emulatorPort: e.EMULATOR_PORT ?? 4010,
      emulatorDb: e.EMULATOR_DB ?? null,
      client: tuning,
    };
  } else {
    try {
      zoho = {
        kind: 'external',
        config: resolveZohoConfig({
          ...tuning,
          apiBaseUrl: e.ZOHO_API_BASE_URL,
          accountsUrl: e.ZOHO_ACCOUNTS_URL,
          authMode: e.ZOHO_AUTH_MODE,
          clientId: e.ZOHO_CLIENT_ID,
          clientSecret: e.ZOHO_CLIENT_SECRET,
          refreshToken: e.ZOHO_REFRESH_TOKEN,
          accessToken: e.ZOHO_ACCESS_TOKEN,
        }),
      };
    } catch (err) {
      if (!(err instanceof ZohoConfigError)) throw err;
      problems.push(`${err.message}.`);
    }
  }

  const jwtSet = given('GATEWAY_JWT_SECRET', 'GATEWAY_JWKS_URL');
  if (given('GATEWAY_JWT_SECRET') && given('GATEWAY_JWKS_URL')) {
    problems.push('GATEWAY_JWT_SECRET and GATEWAY_JWKS_URL: set one of them, not both.');
  }
  if (!jwtSet && (e.GATEWAY_JWT_ISSUER || e.GATEWAY_JWT_AUDIENCE)) {
    problems.push('GATEWAY_JWT_ISSUER / GATEWAY_JWT_AUDIENCE need GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL.');
  }
  if (jwtSet && zoho?.kind === 'external' && zoho.config.authMode === 'passthrough') {
    problems.push(
      "GATEWAY_JWT_SECRET / GATEWAY_JWKS_URL cannot be used with ZOHO_AUTH_MODE=passthrough: there the Authorization header carries the caller's Zoho token. Use GATEWAY_API_KEYS (sent as x-api-key) instead.",
    );
  }
  const auth: CallerAuthSettings = {
    apiKeys: e.GATEWAY_API_KEYS ?? [],
    jwt: jwtSet
      ? {
          secret: e.GATEWAY_JWT_SECRET ?? null,
          jwksUrl: e.GATEWAY_JWKS_URL ?? null,
          issuer: e.GATEWAY_JWT_ISSUER || null,
          audience: e.GATEWAY_JWT_AUDIENCE || null,
        }
      : null,
  };
  const host = e.HOST ?? '127.0.0.1';
  const authRequirement = zoho
    ? callerAuthRequirement(zoho, host, auth)
    : { required: false, reasons: [], configured: false };
  if (authRequirement.required && !authRequirement.configured && !given('GATEWAY_API_KEYS')) {
    problems.push(
      `Caller authentication is required because ${authRequirement.reasons.join(' and ')}, but none is configured. ` +
        'Set GATEWAY_API_KEYS (comma-separated random keys, sent as x-api-key or Authorization: Bearer), ' +
        'or GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL (callers send Authorization: Bearer <JWT>), ' +
        'or use ZOHO_AUTH_MODE=passthrough so that each caller sends its own Zoho token.',
    );
  }
  let persistedOperations: PersistedOperations = new Map();
  const manifest = e.GATEWAY_PERSISTED_OPERATIONS;
  if (manifest) {
    try {
      persistedOperations = loadPersistedOperations(manifest);
    } catch (err) {
      if (!(err instanceof PersistedOperationsError)) throw err;
      problems.push(`GATEWAY_PERSISTED_OPERATIONS: ${err.message}.`);
    }
  }
  const shutdownTimeoutMs = e.GATEWAY_SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const drainDelayMs = e.GATEWAY_DRAIN_DELAY_MS ?? (zoho ? defaultDrainDelayMs(zoho, host) : 0);
  // A malformed one of the two has its own line above.
  if (!malformed.has('GATEWAY_SHUTDOWN_TIMEOUT_MS') && !malformed.has('GATEWAY_DRAIN_DELAY_MS') && zoho) {
    if (drainDelayMs >= shutdownTimeoutMs)
      problems.push(
        `GATEWAY_DRAIN_DELAY_MS (${drainDelayMs}${e.GATEWAY_DRAIN_DELAY_MS === undefined ? ', its default here' : ''}) must be less than ` +
          `GATEWAY_SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs}): the drain is part of the shutdown, and the requests in flight ` +
          'need the rest of it to finish. Lower GATEWAY_DRAIN_DELAY_MS or raise GATEWAY_SHUTDOWN_TIMEOUT_MS.',
      );
  }
  if (problems.length > 0 || !zoho) throw new GatewayConfigError(problems);
  const nodeEnv = e.NODE_ENV ?? 'development';
  const sandbox = resolveSandboxSettings({
    production: nodeEnv === 'production',
    landingPage: e.GATEWAY_LANDING_PAGE,
    introspection: e.GATEWAY_INTROSPECTION,
    graphiql: e.GATEWAY_GRAPHIQL,
  });

  return {
    nodeEnv,
    port: e.PORT ?? 4000,
    host,
    logLevel: e.LOG_LEVEL ?? 'info',
    zoho,
    auth,
    corsOrigins: e.GATEWAY_CORS_ORIGINS ?? [],
    corsLoopbackOrigins: nodeEnv !== 'production',
    relayNode: e.GATEWAY_RELAY_NODE ?? true,
    persistedOperations,
    readyCacheMs: e.GATEWAY_READY_CACHE_MS ?? 60_000,
    shutdownTimeoutMs,
    drainDelayMs,
    bodyTimeoutMs: e.GATEWAY_BODY_TIMEOUT_MS ?? 10_000,
    requestDeadlineMs: e.GATEWAY_REQUEST_DEADLINE_MS ?? 20_000,
    state: {
      // Beside the embedded emulator's data, and as lasting: an emulator in memory starts a fresh org
      // each time, against which a kept journal would repair moves that never happened there.
      db:
        e.GATEWAY_STATE_DB ??
        (zoho.kind === 'embedded' && zoho.emulatorDb === ':memory:' ? ':memory:' : DEFAULT_STATE_DB),
      idempotencyTtlMs: e.GATEWAY_IDEMPOTENCY_TTL_MS ?? 24 * 60 * 60_000,
      leaseMs: e.GATEWAY_LEASE_MS ?? 15_000,
    },
    fleet: e.REDIS_URL
      ? {
          redisUrl: e.REDIS_URL,
          expectedReplicas: e.GATEWAY_EXPECTED_REPLICAS ?? 1,
          slotLeaseMs: e.GATEWAY_SLOT_LEASE_MS ?? 5_000,
          tokenKey: e.GATEWAY_TOKEN_KEY ?? null,
          allowNoPersistence: e.GATEWAY_REDIS_ALLOW_NO_PERSISTENCE ?? false,
        }
      : null,
    limits: {
      maxDepth: e.GATEWAY_MAX_DEPTH ?? DEFAULT_LIMITS.maxDepth,
      maxAliases: e.GATEWAY_MAX_ALIASES ?? DEFAULT_LIMITS.maxAliases,
      maxTokens: e.GATEWAY_MAX_TOKENS ?? DEFAULT_LIMITS.maxTokens,
      maxZohoCalls: e.GATEWAY_MAX_ZOHO_CALLS ?? DEFAULT_LIMITS.maxZohoCalls,
      maxEntities: e.GATEWAY_MAX_ENTITIES ?? DEFAULT_LIMITS.maxEntities,
      maxDirectives: e.GATEWAY_MAX_DIRECTIVES ?? DEFAULT_LIMITS.maxDirectives,
    },
    operationShare: e.GATEWAY_OPERATION_SHARE ?? DEFAULT_OPERATION_SHARE,
    callerQuotaPerMinute: e.GATEWAY_CALLER_ZOHO_CALLS_PER_MINUTE ?? null,
    reads: {
      dedup: e.GATEWAY_READ_DEDUP ?? true,
      cacheMs: e.GATEWAY_READ_CACHE_MS ?? 0,
    },
    otel: e.OTEL_EXPORTER_OTLP_ENDPOINT
      ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME ?? 'zoho-email-deal-gateway' }
      : null,
    sandbox,
    authRequirement,
    predictionRule: e.ZOHO_PREDICTION_ELIGIBLE === 'not_closed_lost' ? 'NOT_CLOSED_LOST' : 'OPEN',
    warnings: source.GATEWAY_MAX_COST?.trim()
      ? [
          'GATEWAY_MAX_COST is no longer read: an operation is limited by the Zoho calls it makes (GATEWAY_MAX_ZOHO_CALLS, docs/cost.md).',
        ]
      : [],
  };
}
