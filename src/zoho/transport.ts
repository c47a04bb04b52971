/**
 * The Zoho CRM client: axios underneath, with one concurrency budget, bounded retries (cockatiel),
 * one refresh-and-retry on 401 INVALID_TOKEN, explicit timeouts, hooks for metrics, and request
 * logging that never carries a secret.
 *
 * axios never throws on an HTTP status here (validateStatus accepts all) and never parses bodies
 * (responseType text): Zoho answers 204 with no body and sometimes non-JSON, so we parse ourselves.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { getOrg } from './api/org.ts';
import { ServiceCredentialProvider } from './auth/service.ts';
import { StaticTokenProvider } from './auth/static.ts';
import { missingCallerTokenError, parseCallerAuthorization } from './auth/passthrough.ts';
import type { CredentialProvider } from './auth/types.ts';
import { createInMemoryBudget, type ConcurrencyBudget } from './budget.ts';
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
  type ZohoCall,
} from './errors.ts';
import { createBackoff, isRetryableFor } from './retry.ts';
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
  creditsRemaining: number | null;
  org: Promise<string> | null;
}

interface Shared {
  config: ZohoConfig;
  http: AxiosInstance;
  hooks: ZohoClientHooks;
  logger: Logger | undefined;
  retry: RetryPolicy;
}

/** Errors that the current call has decided to retry; cockatiel retries only those. */
const RETRY_MARK = new WeakSet<object>();

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
    return this.#state.creditsRemaining;
  }

  getOrgId(): Promise<string> {
    if (!this.#state.org) {
      const p = getOrg(this).then((org) => org.id);
      // A failure is not cached: the next caller asks again.
      p.catch(() => {
        if (this.#state.org === p) this.#state.org = null;
      });
      this.#state.org = p;
    }
    return this.#state.org;
  }

  async request<T = unknown>(req: ZohoRequest): Promise<ZohoResponse<T>> {
    const { config, retry: policy, hooks, logger } = this.#s;
    const call: ZohoCall = { method: req.method, route: `${API_PREFIX}${req.route}` };
    const path = `${API_PREFIX}${fillRoute(req.route, req.params)}${queryString(req.query)}`;
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'DELETE');
    // The gateway's request id, when the caller passed one upstream: ties these log lines to it.
    const requestId = req.headers?.['x-request-id'];
    const timeoutMs = req.timeoutMs ?? config.timeoutMs;
    const started = performance.now();
    let attempts = 0;
    let refreshedOnce = false;
    const provider = this.#provider;

    const send = async (token: string): Promise<ZohoResponse<T> | ZohoError> => {
      attempts++;
      const attempt = attempts;
      const base = resolveApiBaseUrl(config, provider.apiDomain());
      return this.#state.budget.run(async () => {
        const t0 = performance.now();
        const deadline = AbortSignal.timeout(timeoutMs);
        let status: number | null = null;
        let outcome: ZohoResponse<T> | ZohoError;
        try {
          const res = await this.#s.http.request<string>({
            method: req.method,
            url: `${base}${path}`,
            headers: {
              ...extraHeaders(req.headers),
              Authorization: `Zoho-oauthtoken ${token}`,
              ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            },
            data: req.body !== undefined ? JSON.stringify(req.body) : undefined,
            timeout: timeoutMs,
            signal: deadline,
          });
          status = res.status;
          const credits = Number.parseInt(String(res.headers['x-api-credits-remaining'] ?? ''), 10);
          if (Number.isFinite(credits)) this.#state.creditsRemaining = credits;
          const text = typeof res.data === 'string' ? res.data : '';
          outcome = this.#interpret<T>(req, call, res.status, text, attempt);
          if (outcome instanceof ZohoError && outcome.kind === 'rate_limited' && credits === 0) {
            // The day's credits are spent, not the concurrency: waiting seconds will not help.
            outcome = new ZohoError({
              kind: 'rate_limited',
              code: outcome.code,
              message: 'Zoho CRM API credits for the day are used up',
              status: outcome.status,
              details: { ...outcome.details, creditsRemaining: 0 },
              retryable: false,
              call,
              fromZoho: outcome.fromZoho,
            });
          }
        } catch (e) {
          outcome = deadline.aborted ? timeoutError(call, timeoutMs) : networkError(e, call, timeoutMs);
        }
        const durationMs = performance.now() - t0;
        const errorCode = outcome instanceof ZohoError ? outcome.code : undefined;
        hooks.onCall?.({
          method: req.method,
          routeTemplate: call.route,
          status,
          durationMs,
          attempt,
          ...(errorCode ? { errorCode } : {}),
          creditsRemaining: this.#state.creditsRemaining,
          mode: this.mode,
        });
        logger?.debug(
          {
            requestId,
            method: req.method,
            route: call.route,
            status,
            durationMs: Math.round(durationMs),
            attempt,
            errorCode,
          },
          'zoho call',
        );
        return outcome;
      });
    };

    const once = async (): Promise<ZohoResponse<T>> => {
      let token = await provider.getToken();
      let outcome = await send(token);
      if (
        outcome instanceof ZohoError &&
        outcome.status === 401 &&
        outcome.code === 'INVALID_TOKEN' &&
        !refreshedOnce
      ) {
        // One refresh and one retry per call, never a loop.
        refreshedOnce = true;
        const fresh = await provider.refreshAfterRejection(token);
        if (fresh !== null) {
          token = fresh;
          outcome = await send(token);
        }
      }
      if (!(outcome instanceof ZohoError)) return outcome;
      outcome.attempts = attempts;
      const elapsed = performance.now() - started;
      const willRetry =
        isRetryableFor(outcome, idempotent) && attempts < config.retry.maxAttempts && elapsed < config.retry.maxTotalMs;
      if (outcome.kind === 'rate_limited') {
        hooks.onRateLimited?.({ method: req.method, routeTemplate: call.route, attempt: attempts, willRetry });
      }
      if (willRetry) RETRY_MARK.add(outcome);
      throw outcome;
    };

    try {
      return await policy.execute(once);
    } catch (e) {
      const err = e instanceof ZohoError ? e : networkError(e, call, timeoutMs);
      err.attempts = attempts;
      logger?.warn(
        {
          requestId,
          method: req.method,
          route: call.route,
          status: err.status,
          code: err.code,
          kind: err.kind,
          attempts,
        },
        'zoho call failed',
      );
      throw err;
    }
  }

  #interpret<T>(
    req: ZohoRequest,
    call: ZohoCall,
    status: number,
    text: string,
    attempt: number,
  ): ZohoResponse<T> | ZohoError {
    const accepted = status < 400 || (req.acceptStatus?.includes(status) ?? false);
    if (!accepted) return errorFromResponse({ status, text, call });
    const parsed = parseJsonBody(text);
    if (parsed.nonJson) {
      return status >= 400 ? errorFromResponse({ status, text, call }) : invalidResponseError(status, call, text);
    }
    return {
      status,
      data: parsed.json as T | undefined,
      text,
      creditsRemaining: this.#state.creditsRemaining,
      attempts: attempt,
      call,
    };
  }
}

/**
 * Builds the client. `config` may be resolved settings (loadZohoConfig) or plain input.
 * In passthrough mode the client itself has no credentials: use `forCaller(authorization)`.
 */
export function createZohoClient(config: ZohoConfig | ZohoConfigInput, options: ZohoClientOptions = {}): ZohoClient {
  const cfg: ZohoConfig = resolveZohoConfig(config);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency * 2 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: cfg.concurrency * 2 });
  const instance = axios.create({
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
  const policy = retry(
    handleWhen((e) => typeof e === 'object' && e !== null && RETRY_MARK.has(e)),
    { maxAttempts: Math.max(0, cfg.retry.maxAttempts - 1), backoff: createBackoff(cfg.retry) },
  );
  const shared: Shared = { config: cfg, http: instance, hooks, logger, retry: policy };

  const budget = options.budget ?? createInMemoryBudget(cfg.concurrency);
  let provider: CredentialProvider | null = null;
  if (cfg.authMode === 'service') {
    provider = new ServiceCredentialProvider(cfg, { http: instance, hooks, logger });
  } else if (cfg.authMode === 'token') {
    provider = new StaticTokenProvider(cfg.accessToken!.reveal(), 'token');
  }
  const own: Requester | null = provider
    ? new Requester(shared, provider, { budget, creditsRemaining: null, org: null })
    : null;

  const callerBudget = options.callerBudget ?? (() => createInMemoryBudget(cfg.concurrency));
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
        state = { budget: callerBudget(key), creditsRemaining: null, org: null };
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
