/**
 * Service credentials: client id, client secret and refresh token (the refresh-token grant).
 *
 * - The access token is cached and refreshed ahead of expiry, by a margin that scales with its
 *   lifetime (10 % of it, at most 5 minutes by default), so a 1-hour token is renewed at 55 min.
 * - Refreshes are single-flight: however many calls find the token expired, one request goes to
 *   the accounts server and they all wait for it.
 * - After a 401 INVALID_TOKEN the transport asks for one refresh; if another call already
 *   replaced the rejected token, that replacement is returned and nothing is minted.
 * - The tokens Zoho issues are counted against its limit (MintLimiter); a refusal is a ZohoError
 *   with the stable code OAUTH_MINT_LIMIT.
 * - A token request that fails (5xx, timeout, network) is an error of the call that needed the
 *   token, before its own request was sent (`not_sent`): the transport retries it with backoff,
 *   so service returns within seconds of the accounts server recovering.
 * - With a shared token store (a fleet on Redis: src/fleet/token-store.ts) the replicas hold one
 *   token: a replica adopts the stored one before minting, and mints only under the fleet's lock
 *   and within the fleet's mint limits. When the store cannot be reached it keeps the token it
 *   holds, and mints on its own only when that one has run out.
 */
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import { resolveAccountsUrl, type ZohoConfig } from '../config.ts';
import {
  ZohoError,
  errorFromResponse,
  isMintRefusal,
  networkError,
  notSent,
  oauthError,
  parseJsonBody,
  timeoutError,
  type ZohoCall,
} from '../errors.ts';
import type { ZohoClientHooks, ZohoTokenRefreshEvent } from '../types.ts';
import type { ZohoTokenResponse } from '../../wire/index.ts';
import { MintLimiter } from './mint-limiter.ts';
import {
  TokenStoreUnavailableError,
  type CredentialProvider,
  type SharedToken,
  type SharedTokenStore,
} from './types.ts';

const TOKEN_CALL: ZohoCall = { method: 'POST', route: '/oauth/v2/token' };

type HeldToken = SharedToken;

export interface ServiceProviderDeps {
  http: AxiosInstance;
  hooks?: ZohoClientHooks | undefined;
  logger?: Logger | undefined;
  now?: () => number;
  /** The fleet's token, shared by the replicas that use this refresh token. */
  tokenStore?: SharedTokenStore | undefined;
}

/** Refresh margin for a token of this lifetime. */
export function refreshMarginMs(lifetimeMs: number, t: ZohoConfig['token']): number {
  return Math.min(t.refreshMarginMaxMs, Math.max(t.refreshMarginMinMs, lifetimeMs * t.refreshMarginRatio));
}

export class ServiceCredentialProvider implements CredentialProvider {
  readonly mode = 'service' as const;
  readonly #config: ZohoConfig;
  readonly #deps: ServiceProviderDeps;
  readonly #now: () => number;
  readonly #mints: MintLimiter;
  #token: HeldToken | null = null;
  #inflight: Promise<HeldToken> | null = null;

  constructor(config: ZohoConfig, deps: ServiceProviderDeps) {
    if (!config.clientId || !config.clientSecret || !config.refreshToken) {
      throw new Error('service credentials are incomplete');
    }
    this.#config = config;
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#mints = new MintLimiter({
      limit: config.token.mintLimit,
      windowMs: config.token.mintWindowMs,
      cooldownMs: config.token.mintRefusalCooldownMs,
      now: this.#now,
    });
  }

  apiDomain(): string | null {
    return this.#token?.apiDomain ?? null;
  }

  /** Tokens minted in the current mint window (for metrics and tests). */
  mintsInWindow(): number {
    return this.#mints.count();
  }

  /** Whether a usable token is held now (for readiness probes). */
  hasValidToken(): boolean {
    return this.#token !== null && this.#now() < this.#token.expiresAt;
  }

  async getToken(): Promise<string> {
    const held = this.#token;
    const now = this.#now();
    if (held && now < held.refreshAt) return held.value;
    const stored = await this.#readShared();
    if (stored && stored.value !== held?.value && now < stored.refreshAt) {
      this.#token = stored;
      return stored.value;
    }
    if (held && now < held.expiresAt) {
      // Inside the margin the old token still works: if the refresh fails (e.g. mint limit),
      // keep using it rather than fail the call.
      try {
        return (await this.#refresh('proactive')).value;
      } catch (e) {
        if (this.#now() < held.expiresAt) return held.value;
        throw e;
      }
    }
    return (await this.#refresh(held ? 'expired' : 'initial')).value;
  }

  async refreshAfterRejection(stale: string): Promise<string | null> {
    const held = this.#token;
    if (held && held.value !== stale) return held.value;
    if (this.#inflight) return (await this.#inflight).value;
    // Zoho says the token is dead whatever our clock says (revoked, or expired early).
    if (held && held.value === stale) this.#token = null;
    return (await this.#refresh('rejected', stale)).value;
  }

  /** The fleet's token when it is still good, or null (none, no store, or the store is unreachable). */
  async #readShared(): Promise<HeldToken | null> {
    const store = this.#deps.tokenStore;
    if (!store) return null;
    try {
      const t = await store.read();
      return t && this.#now() < t.expiresAt ? t : null;
    } catch {
      return null;
    }
  }

  #refresh(reason: ZohoTokenRefreshEvent['reason'], stale = this.#token?.value ?? null): Promise<HeldToken> {
    if (!this.#inflight) {
      this.#inflight = this.#mint(reason, stale).finally(() => {
        this.#inflight = null;
      });
    }
    return this.#inflight;
  }

  async #mint(reason: ZohoTokenRefreshEvent['reason'], stale: string | null): Promise<HeldToken> {
    const started = performance.now();
    try {
      let minted = true;
      let token: HeldToken;
      const store = this.#deps.tokenStore;
      if (!store) token = await this.#requestOnce();
      else {
        minted = false;
        const mint = () => {
          minted = true;
          return this.#requestOnce();
        };
        try {
          token = await store.refresh(stale, mint);
        } catch (e) {
          if (!(e instanceof TokenStoreUnavailableError) || minted) throw e;
          this.#deps.logger?.warn({ reason }, 'the fleet token store is unreachable: minting a token alone');
          token = await mint();
        }
      }
      this.#token = token;
      if (!minted) {
        this.#deps.logger?.debug({ reason }, "adopted the fleet's access token");
        return token;
      }
      const event: ZohoTokenRefreshEvent = { reason, ok: true, durationMs: performance.now() - started };
      this.#deps.hooks?.onTokenRefresh?.(event);
      this.#deps.logger?.info(
        { reason, durationMs: Math.round(event.durationMs), expiresInMs: token.expiresAt - this.#now() },
        'zoho access token refreshed',
      );
      return token;
    } catch (e) {
      const err = notSent(e instanceof ZohoError ? e : networkError(e, TOKEN_CALL));
      this.#deps.hooks?.onTokenRefresh?.({
        reason,
        ok: false,
        durationMs: performance.now() - started,
        errorCode: err.code,
      });
      this.#deps.logger?.warn(
        { reason, code: err.code, kind: err.kind, status: err.status },
        'zoho access token refresh failed',
      );
      throw err;
    }
  }

  async #requestOnce(): Promise<HeldToken> {
    this.#mints.check(TOKEN_CALL);
    const cfg = this.#config;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: cfg.clientId!,
      client_secret: cfg.clientSecret!.reveal(),
      refresh_token: cfg.refreshToken!.reveal(),
    });
    const issuedAt = this.#now();
    const timeoutMs = cfg.token.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    let res;
    try {
      res = await this.#deps.http.request<string>({
        method: 'POST',
        url: `${resolveAccountsUrl(cfg)}/oauth/v2/token`,
        data: form.toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        timeout: timeoutMs,
        signal: deadline,
      });
    } catch (e) {
      throw deadline.aborted ? timeoutError(TOKEN_CALL, timeoutMs, 'not_sent') : networkError(e, TOKEN_CALL, timeoutMs);
    }
    const text = typeof res.data === 'string' ? res.data : '';
    const { json } = parseJsonBody(text);
    const body = json as (Partial<ZohoTokenResponse> & { error?: string; expires_in_sec?: number }) | undefined;
    if (res.status === 200 && body && typeof body.access_token === 'string' && body.access_token) {
      this.#mints.issued();
      // Some Zoho services send expires_in in ms together with expires_in_sec (docs/zoho-notes.md §2).
      const seconds = typeof body.expires_in_sec === 'number' ? body.expires_in_sec : Number(body.expires_in ?? 3600);
      const lifetimeMs = Math.max(0, (Number.isFinite(seconds) ? seconds : 3600) * 1000);
      const expiresAt = issuedAt + lifetimeMs;
      return {
        value: body.access_token,
        apiDomain: typeof body.api_domain === 'string' ? body.api_domain : null,
        expiresAt,
        refreshAt: expiresAt - refreshMarginMs(lifetimeMs, cfg.token),
      };
    }
    if (body && typeof body === 'object' && typeof body.error === 'string') {
      if (isMintRefusal(body)) this.#mints.refused();
      throw oauthError(res.status, body as Record<string, unknown>, TOKEN_CALL);
    }
    if (res.status < 400) {
      throw new ZohoError({
        kind: 'invalid_response',
        code: 'OAUTH_INVALID_RESPONSE',
        message: `The accounts server answered HTTP ${res.status} without an access token`,
        status: res.status,
        phase: 'not_sent',
        call: TOKEN_CALL,
      });
    }
    throw notSent(errorFromResponse({ status: res.status, text, call: TOKEN_CALL }));
  }
}
