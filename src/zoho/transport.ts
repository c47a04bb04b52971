/**
 * The Zoho CRM client: axios underneath, one call made of small layers, outermost first:
 *
 *   withRetry   attempts until one succeeds, the classifier says stop, or the bounds are spent;
 *               every attempt is remembered in the call's history
 *   withToken   the access token for the attempt; after a 401 INVALID_TOKEN, one refresh and one
 *               more attempt, never a loop
 *   inBudget    a slot in the concurrency budget for the HTTP request (the token request takes
 *               none: Zoho does not count it)
 *   httpAttempt one HTTP request: its answer read into a response or a ZohoError, its record in
 *               the history, the hooks (metrics) and a debug log line
 *
 * axios never throws on an HTTP status here (validateStatus accepts all) and never parses bodies
 * (responseType text): Zoho answers 204 with no body and sometimes non-JSON, so we parse ourselves.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { getOrg } from './api/org.ts';
import { getCurrentUser } from './api/users.ts';
import { ServiceCredentialProvider } from './auth/service.ts';
import { StaticTokenProvider } from './auth/static.ts';
import { missingCallerTokenError, parseCallerAuthorization } from './auth/passthrough.ts';
import type { CredentialProvider } from './auth/types.ts';
import { createInMemoryBudget, isHeavyRoute, type ConcurrencyBudget } from './budget.ts';
import { LocalCredits, type CreditsLedger } from './credits.ts';
import { ReadSharing, tagsOf, type ReadSharingSettings } from './read-sharing.ts';
import type { SharedTokenStore } from './auth/types.ts';
import { mayRetry } from './classify.ts';
import {
  describeConfig,
  resolveApiBaseUrl,
  resolveZohoConfig,
  type ZohoAuthMode,
  type ZohoConfig,
  type ZohoConfigInput,
} from './config.ts';
import {
  ZohoError,
  errorFromResponse,
  invalidResponseError,
  networkError,
  parseJsonBody,
  timeoutError,
  type AttemptRecord,
  type ZohoCall,
} from './errors.ts';
import { leanHttpAdapter } from './http-adapter.ts';
import { createBackoff } from './retry.ts';
import { LOG_REDACT_PATHS, tokenFingerprint } from './secret.ts';
import type { ZohoClientHooks, ZohoRequest, ZohoRequester, ZohoResponse } from './types.ts';

export const API_PREFIX = '/crm/v8';

export interface ZohoClientOptions {
  hooks?: ZohoClientHooks;
  /** A pino logger; the client logs through a child that also redacts OAuth fields. */
  logger?: Logger;
  /**
   * The budget for the client's own credentials (service and token modes). Defaults to an
   * in-memory budget of `config.concurrency`.
   */
  budget?: ConcurrencyBudget;
  /**
   * Budgets for pass-through callers, one per caller (Zoho counts concurrency per user and
   * OAuth app). Defaults to an in-memory budget of `config.concurrency` each.
   */
  callerBudget?: (callerKey: string) => ConcurrencyBudget;
  /** The daily credits of the client's own credentials; in memory unless a fleet shares them. */
  credits?: CreditsLedger;
  /** Service mode: one access token for every replica that uses this refresh token. */
  tokenStore?: SharedTokenStore;
  /**
   * Reads shared between requests of the same credentials: identical GETs in flight, and a short
   * cache (GATEWAY_READ_DEDUP, GATEWAY_READ_CACHE_MS). Absent: every read is its own call.
   */
  reads?: ReadSharingSettings;
  /** The clock (epoch ms) that dates attempts; tests set it. */
  now?: () => number;
}

export interface ZohoClient extends ZohoRequester {
  readonly config: ZohoConfig;
  /** The budget of the client's own credentials. */
  readonly budget: ConcurrencyBudget;
  /**
   * Pass-through mode: a handle that calls Zoho with this caller's own token. Accepts the
   * caller's `Authorization` header (`Zoho-oauthtoken <token>`). Throws a ZohoError of kind
   * `caller` (code CALLER_TOKEN_MISSING) when it carries no token.
   */
  forCaller(authorization: string | readonly string[] | null | undefined): ZohoRequester;
  /**
   * The requester for one incoming request: `forCaller(authorization)` in pass-through mode, the
   * client itself otherwise (the header then belongs to the gateway, not to Zoho, and is ignored).
   */
  requesterFor(authorization: string | readonly string[] | null | undefined): ZohoRequester;
  /** Whether service mode holds a usable token now (always true in other modes). */
  hasToken(): boolean;
  /** Closes keep-alive sockets. */
  close(): void;
}

/**
 * State held per set of credentials: the client's own, or one pass-through caller's (kept in an
 * LRU keyed by the token's fingerprint; the caller's token itself is not kept).
 */
interface CredentialState {
  budget: ConcurrencyBudget;
  credits: CreditsLedger;
  reads: ReadSharing | null;
  org: Promise<string> | null;
  user: Promise<string> | null;
}

interface Shared {
  config: ZohoConfig;
  http: AxiosInstance;
  hooks: ZohoClientHooks;
  logger: Logger | undefined;
  backoff: IBackoffFactory<IRetryBackoffContext<unknown>>;
  now: () => number;
}

/** One call as it goes through the layers. */
interface CallState {
  req: ZohoRequest;
  call: ZohoCall;
  /** Path and query under the API host. */
  path: string;
  idempotent: boolean;
  timeoutMs: number;
  requestId: string | undefined;
  started: number;
  /** When to stop retrying 429s and waiting for slots (epoch ms); null: the client's own bounds only. */
  deadline: number | null;
  history: AttemptRecord[];
  /** A 401 INVALID_TOKEN has already been answered with a refresh (once per call). */
  refreshed: boolean;
}

/** Backoff contexts want a signal; nothing here aborts a backoff. */
const NEVER_ABORTED = new AbortController().signal;

/** A layer's view of the rest of the call: throws a ZohoError, or resolves with the answer. */
type Attempt<T> = (s: CallState) => Promise<ZohoResponse<T>>;
type TokenAttempt<T> = (s: CallState, token: string) => Promise<ZohoResponse<T>>;

function fillRoute(route: string, params: Record<string, string> | undefined): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new RangeError(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
}

/** A call's extra headers, minus any that would override what the client itself sets. */
function extraHeaders(h: ZohoRequest['headers']): Record<string, string> {
  if (!h) return {};
  return Object.fromEntries(
    Object.entries(h).filter(([k]) => !/^(authorization|content-type|content-length|host)$/i.test(k)),
  );
}

function queryString(q: ZohoRequest['query']): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    // Zoho's comma lists (ids, fields, message_ids) are sent with literal commas.
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%2C/gi, ',')}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Requester implements ZohoRequester {
  readonly mode: ZohoAuthMode;
  readonly #s: Shared;
  readonly #state: CredentialState;
  readonly #provider: CredentialProvider;

  constructor(shared: Shared, provider: CredentialProvider, state: CredentialState) {
    this.#s = shared;
    this.#state = state;
    this.#provider = provider;
    this.mode = provider.mode;
  }

  creditsRemaining(): number | null {
    return this.#state.credits.remaining();
  }

  getOrgId(): Promise<string> {
    return this.#once('org', () => getOrg(this).then((org) => org.id));
  }

  getUserId(): Promise<string> {
    return this.#once('user', () => getCurrentUser(this).then((user) => user.id!));
  }

  /** A fact of these credentials, asked for once; a failure is not kept, so the next caller asks again. */
  #once(fact: 'org' | 'user', load: () => Promise<string>): Promise<string> {
    let p = this.#state[fact];
    if (!p) {
      const loading = load();
      loading.catch(() => {
        if (this.#state[fact] === loading) this.#state[fact] = null;
      });
      this.#state[fact] = p = loading;
    }
    return p;
  }

  request<T = unknown>(req: ZohoRequest): Promise<ZohoResponse<T>> {
    const s: CallState = {
      req,
      call: { method: req.method, route: `${API_PREFIX}${req.route}` },
      path: `${API_PREFIX}${fillRoute(req.route, req.params)}${queryString(req.query)}`,
      idempotent: req.idempotent ?? (req.method === 'GET' || req.method === 'DELETE'),
      timeoutMs: req.timeoutMs ?? this.#s.config.timeoutMs,
      // The gateway's request id, when the caller passed one upstream: ties these log lines to it.
      requestId: req.headers?.['x-request-id'],
      started: performance.now(),
      deadline: req.essential ? null : (req.deadline ?? null),
      history: [],
      refreshed: false,
    };
    const send = () => this.#withRetry(this.#withCredits(this.#withToken(this.#inBudget(this.#httpAttempt<T>()))))(s);
    const reads = this.#state.reads;
    if (!reads || req.fresh) return send();
    if (req.method === 'GET') {
      return reads.read(s.path, tagsOf(req), send).then(({ res, joined }) => (joined ? { ...res, shared: true } : res));
    }
    // What a write may change is forgotten before it goes out, and again once it is done.
    const tags = tagsOf(req);
    reads.wrote(tags);
    const written = send();
    written.then(
      () => reads.wrote(tags),
      () => reads.wrote(tags),
    );
    return written;
  }

  /** Attempts until one succeeds, the classifier says stop, or attempts or time run out. */
  #withRetry<T>(next: Attempt<T>): Attempt<T> {
    const { config, hooks, logger, backoff: factory } = this.#s;
    return async (s) => {
      let backoff: IBackoff<IRetryBackoffContext<unknown>> | undefined;
      for (;;) {
        try {
          const res = await next(s);
          return { ...res, attempts: s.history.length, history: s.history };
        } catch (e) {
          const err = e instanceof ZohoError ? e : networkError(e, s.call, s.timeoutMs);
          err.attempts = s.history.length;
          err.history = s.history;
          const elapsed = performance.now() - s.started;
          const context = { attempt: s.history.length, signal: NEVER_ABORTED, result: { error: err } };
          backoff = backoff ? backoff.next(context) : factory.next(context);
          // A 429 is retried until the request's deadline (Zoho refused before doing anything, and
          // the limit adapts meanwhile); everything else within the client's attempts and time.
          const byDeadline = err.kind === 'rate_limited' && s.deadline !== null;
          const room = byDeadline ? s.deadline! - this.#s.now() : config.retry.maxTotalMs - elapsed;
          const delay = Math.min(backoff.duration, Math.max(0, room));
          const willRetry =
            mayRetry(err, s.idempotent) && (byDeadline || s.history.length < config.retry.maxAttempts) && delay < room;
          if (err.kind === 'rate_limited') {
            hooks.onRateLimited?.({
              method: s.call.method,
              routeTemplate: s.call.route,
              attempt: s.history.length,
              willRetry,
            });
          }
          if (willRetry) {
            await sleep(delay);
            continue;
          }
          // Refused until the deadline: the caller may try again once the limit has had time to ease.
          if (byDeadline) err.retryAfterMs ??= Math.max(1_000, Math.round(backoff.duration));
          logger?.warn(
            {
              requestId: s.requestId,
              method: s.call.method,
              route: s.call.route,
              status: err.status,
              code: err.code,
              kind: err.kind,
              attempts: err.attempts,
            },
            'zoho call failed',
          );
          throw err;
        }
      }
    };
  }

  /** The token for the attempt; after a 401 INVALID_TOKEN, one refresh and one more attempt. */
  #withToken<T>(next: TokenAttempt<T>): Attempt<T> {
    const provider = this.#provider;
    return async (s) => {
      let token: string;
      try {
        token = await provider.getToken();
      } catch (e) {
        // Nothing was sent for this call: the record says so, for whoever weighs its history.
        const err = e instanceof ZohoError ? e : networkError(e, s.call);
        s.history.push({ kind: err.kind, phase: 'not_sent', status: null, code: err.code, sentAt: null });
        throw err;
      }
      try {
        return await next(s, token);
      } catch (e) {
        const rejected = e instanceof ZohoError && e.status === 401 && e.code === 'INVALID_TOKEN';
        if (!rejected || s.refreshed) throw e;
        s.refreshed = true;
        const fresh = await provider.refreshAfterRejection(token).catch((refreshError: unknown) => {
          throw refreshError instanceof ZohoError ? refreshError : e;
        });
        if (fresh === null) throw e;
        return next(s, fresh);
      }
    };
  }

  /** Once Zoho said the day's credits are spent, calls fail at once, saying when to try again. */
  #withCredits<T>(next: Attempt<T>): Attempt<T> {
    return async (s) => {
      const until = this.#state.credits.exhaustedUntil();
      const now = this.#s.now();
      if (now < until) {
        s.history.push({
          kind: 'credits_exhausted',
          phase: 'not_sent',
          status: null,
          code: 'CREDITS_EXHAUSTED',
          sentAt: null,
        });
        throw new ZohoError({
          kind: 'credits_exhausted',
          code: 'CREDITS_EXHAUSTED',
          message: `Zoho's API credits for the day are used up; the gateway tries again at ${new Date(until).toISOString()}`,
          phase: 'not_sent',
          retryAfterMs: until - now,
          details: { retryAt: new Date(until).toISOString() },
          call: s.call,
        });
      }
      try {
        return await next(s);
      } catch (e) {
        if (e instanceof ZohoError && e.kind === 'credits_exhausted' && e.phase === 'answered') {
          this.#state.credits.exhausted(this.#s.now() + this.#s.config.creditsCooldownMs);
        }
        throw e;
      }
    };
  }

  /** A slot in the concurrency budget for the HTTP request; how it went adapts the limit. */
  #inBudget<T>(next: TokenAttempt<T>): TokenAttempt<T> {
    return async (s, token) => {
      const permit = await this.#state.budget.acquire({
        heavy: isHeavyRoute(s.call.route),
        deadline: s.deadline,
        ...(s.req.operation !== undefined ? { operation: s.req.operation } : {}),
      });
      try {
        const res = await next(s, token);
        permit.release('ok');
        return res;
      } catch (e) {
        const refused = e instanceof ZohoError && e.kind === 'rate_limited';
        const answered = e instanceof ZohoError && e.phase === 'answered';
        permit.release(refused ? 'concurrency_refused' : answered ? 'ok' : 'failed');
        throw e;
      }
    };
  }

  /** One HTTP request; its answer becomes a response, or a ZohoError that is thrown. */
  #httpAttempt<T>(): TokenAttempt<T> {
    const { config, hooks, logger, now } = this.#s;
    const provider = this.#provider;
    return async (s, token) => {
      const { req, call } = s;
      const base = resolveApiBaseUrl(config, provider.apiDomain());
      const t0 = performance.now();
      const sentAt = now();
      // A timer cleared with the attempt (AbortSignal.timeout would keep the attempt's request,
      // through its listeners, alive for the whole timeout after the answer).
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), s.timeoutMs);
      const deadline = abort.signal;
      let status: number | null = null;
      let outcome: ZohoResponse<T> | ZohoError;
      try {
        const res = await this.#s.http.request<string>({
          method: req.method,
          url: `${base}${s.path}`,
          headers: {
            ...extraHeaders(req.headers),
            Authorization: `Zoho-oauthtoken ${token}`,
            ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
          data: req.body !== undefined ? JSON.stringify(req.body) : undefined,
          timeout: s.timeoutMs,
          signal: deadline,
        });
        status = res.status;
        const credits = Number.parseInt(String(res.headers['x-api-credits-remaining'] ?? ''), 10);
        if (Number.isFinite(credits)) this.#state.credits.observe(credits);
        outcome = this.#interpret<T>(req, call, res.status, typeof res.data === 'string' ? res.data : '', credits);
      } catch (e) {
        outcome = deadline.aborted ? timeoutError(call, s.timeoutMs) : networkError(e, call, s.timeoutMs);
      } finally {
        clearTimeout(timer);
      }
      const failed = outcome instanceof ZohoError ? outcome : null;
      s.history.push({
        kind: failed?.kind ?? 'ok',
        phase: failed?.phase ?? 'answered',
        status,
        code: failed?.code ?? null,
        sentAt: failed?.phase === 'not_sent' ? null : sentAt,
      });
      const durationMs = performance.now() - t0;
      hooks.onCall?.({
        method: req.method,
        routeTemplate: call.route,
        status,
        durationMs,
        attempt: s.history.length,
        ...(failed ? { errorCode: failed.code } : {}),
        creditsRemaining: this.#state.credits.remaining(),
        mode: this.mode,
      });
      if (logger?.isLevelEnabled('debug')) {
        logger.debug(
          {
            requestId: s.requestId,
            method: req.method,
            route: call.route,
            status,
            durationMs: Math.round(durationMs),
            attempt: s.history.length,
            errorCode: failed?.code,
          },
          'zoho call',
        );
      }
      if (failed) throw failed;
      return outcome as ZohoResponse<T>;
    };
  }

  #interpret<T>(
    req: ZohoRequest,
    call: ZohoCall,
    status: number,
    text: string,
    credits: number,
  ): ZohoResponse<T> | ZohoError {
    const accepted = status < 400 || (req.acceptStatus?.includes(status) ?? false);
    if (!accepted) {
      const e = errorFromResponse({ status, text, call });
      // The day's credits are spent, not the concurrency: waiting seconds will not help.
      if (e.kind === 'rate_limited' && credits === 0) {
        return new ZohoError({
          kind: 'credits_exhausted',
          code: e.code,
          message: 'Zoho CRM API credits for the day are used up',
          status,
          details: { ...e.details, creditsRemaining: 0 },
          call,
          fromZoho: e.fromZoho,
        });
      }
      return e;
    }
    const parsed = parseJsonBody(text);
    if (parsed.nonJson) {
      return status >= 400 ? errorFromResponse({ status, text, call }) : invalidResponseError(status, call, text);
    }
    return {
      status,
      data: parsed.json as T | undefined,
      text,
      creditsRemaining: this.#state.credits.remaining(),
      attempts: 0,
      history: [],
      call,
    };
  }
}

/**
 * Builds the client. `config` may be resolved settings (resolveZohoConfig) or plain input.
 * In passthrough mode the client itself has no credentials: use `forCaller(authorization)`.
 */
export function createZohoClient(config: ZohoConfig | ZohoConfigInput, options: ZohoClientOptions = {}): ZohoClient {
  const cfg: ZohoConfig = resolveZohoConfig(config);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency * 2 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: cfg.concurrency * 2 });
  const instance = axios.create({
    // With a proxy variable set, axios's own adapter finds the proxy (and NO_PROXY) for each
    // call; without one, the lean adapter does only what these calls need.
    ...(cfg.proxyFromEnv ? {} : { proxy: false as const, adapter: leanHttpAdapter }),
    // Bodies are strings already (JSON.stringify, URLSearchParams#toString).
    transformRequest: [(d: unknown) => d],
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    maxRedirects: 0,
    httpAgent,
    httpsAgent,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    headers: { Accept: 'application/json' },
  });
  const logger = options.logger?.child(
    { component: 'zoho-client' },
    { redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' } },
  );
  const hooks = safeHooks(options.hooks ?? {}, logger);
  const now = options.now ?? Date.now;
  const shared: Shared = { config: cfg, http: instance, hooks, logger, backoff: createBackoff(cfg.retry), now };

  const budget = options.budget ?? createInMemoryBudget(cfg.concurrency, cfg.mailConcurrency);
  let provider: CredentialProvider | null = null;
  if (cfg.authMode === 'service') {
    provider = new ServiceCredentialProvider(cfg, {
      http: instance,
      hooks,
      logger,
      now,
      tokenStore: options.tokenStore,
    });
  } else if (cfg.authMode === 'token') {
    provider = new StaticTokenProvider(cfg.accessToken!.reveal(), 'token');
  }
  const own: Requester | null = provider
    ? new Requester(shared, provider, {
        budget,
        credits: options.credits ?? new LocalCredits(),
        reads: options.reads ? new ReadSharing(options.reads) : null,
        org: null,
        user: null,
      })
    : null;

  const callerBudget = options.callerBudget ?? (() => createInMemoryBudget(cfg.concurrency, cfg.mailConcurrency));
  const callers = new LRUCache<string, CredentialState>({ max: cfg.callerCacheSize, ttl: cfg.callerCacheTtlMs });

  logger?.info(describeConfig(cfg), 'zoho client configured');

  const client: ZohoClient = {
    config: cfg,
    mode: cfg.authMode,
    budget,
    async request<T>(req: ZohoRequest) {
      if (!own) throw missingCallerTokenError();
      return own.request<T>(req);
    },
    async getOrgId() {
      if (!own) throw missingCallerTokenError();
      return own.getOrgId();
    },
    async getUserId() {
      if (!own) throw missingCallerTokenError();
      return own.getUserId();
    },
    creditsRemaining: () => own?.creditsRemaining() ?? null,
    hasToken: () => (provider instanceof ServiceCredentialProvider ? provider.hasValidToken() : true),
    requesterFor(authorization) {
      return cfg.authMode === 'passthrough' ? client.forCaller(authorization) : client;
    },
    forCaller(authorization) {
      if (cfg.authMode !== 'passthrough') throw new Error('forCaller is for passthrough mode only');
      const token = parseCallerAuthorization(authorization);
      if (!token) throw missingCallerTokenError();
      // Keyed by a fingerprint: the raw token is never a map key that could be dumped.
      const key = tokenFingerprint(token);
      let state = callers.get(key);
      if (!state) {
        state = {
          budget: callerBudget(key),
          credits: new LocalCredits(),
          reads: options.reads ? new ReadSharing(options.reads) : null,
          org: null,
          user: null,
        };
        callers.set(key, state);
      }
      return new Requester(shared, new StaticTokenProvider(token, 'passthrough'), state);
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
  return client;
}

/** A throwing metrics hook must not fail the call it reports on. */
function safeHooks(h: ZohoClientHooks, logger: Logger | undefined): ZohoClientHooks {
  const wrap = <E>(name: string, fn: ((e: E) => void) | undefined) =>
    fn
      ? (e: E) => {
          try {
            fn(e);
          } catch (err) {
            logger?.warn(
              { hook: name, msg: err instanceof Error ? err.message : String(err) },
              'zoho client hook threw',
            );
          }
        }
      : undefined;
  return {
    onCall: wrap('onCall', h.onCall?.bind(h)),
    onTokenRefresh: wrap('onTokenRefresh', h.onTokenRefresh?.bind(h)),
    onRateLimited: wrap('onRateLimited', h.onRateLimited?.bind(h)),
  };
}
