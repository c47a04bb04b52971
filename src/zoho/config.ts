/**
 * Client settings: where Zoho is, how we authenticate, and how hard we may push it. The client
 * takes values, never the environment: the gateway's ZOHO_* variables are read by src/config.ts,
 * which hands them to resolveZohoConfig.
 *
 * Hosts are resolved in this order (docs/zoho-notes.md §1):
 *   1. ZOHO_API_BASE_URL / ZOHO_ACCOUNTS_URL;
 *   2. the `api_domain` returned with the access token (API host only);
 *   3. the ZOHO_DC table. Canada is split: accounts.zohocloud.ca but www.zohoapis.ca.
 */
import { Secret } from './secret.ts';

export const ZOHO_DCS = ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'cn'] as const;
export type ZohoDc = (typeof ZOHO_DCS)[number];

/** Zoho's data centres: accounts server and production API domain (docs/zoho-notes.md §1). */
export const DC_HOSTS: Readonly<Record<ZohoDc, { accountsUrl: string; apiBaseUrl: string }>> = {
  us: { accountsUrl: 'https://accounts.zoho.com', apiBaseUrl: 'https://www.zohoapis.com' },
  eu: { accountsUrl: 'https://accounts.zoho.eu', apiBaseUrl: 'https://www.zohoapis.eu' },
  in: { accountsUrl: 'https://accounts.zoho.in', apiBaseUrl: 'https://www.zohoapis.in' },
  au: { accountsUrl: 'https://accounts.zoho.com.au', apiBaseUrl: 'https://www.zohoapis.com.au' },
  jp: { accountsUrl: 'https://accounts.zoho.jp', apiBaseUrl: 'https://www.zohoapis.jp' },
  // Canada's accounts server lives under zohocloud.ca while its API stays under zohoapis.ca.
  ca: { accountsUrl: 'https://accounts.zohocloud.ca', apiBaseUrl: 'https://www.zohoapis.ca' },
  sa: { accountsUrl: 'https://accounts.zoho.sa', apiBaseUrl: 'https://www.zohoapis.sa' },
  cn: { accountsUrl: 'https://accounts.zoho.com.cn', apiBaseUrl: 'https://www.zohoapis.com.cn' },
};

export type ZohoAuthMode = 'service' | 'token' | 'passthrough';

export interface ZohoRetrySettings {
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  /** First backoff delay; later ones grow exponentially, with decorrelated jitter. */
  initialDelayMs: number;
  /** Ceiling of any single backoff delay. */
  maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the call began. */
  maxTotalMs: number;
}

export interface ZohoTokenSettings {
  /** Zoho mints at most this many access tokens per refresh token per window (docs/zoho-notes.md §3). */
  mintLimit: number;
  mintWindowMs: number;
  /** After Zoho itself refuses a mint, refuse locally for this long instead of asking again. */
  mintRefusalCooldownMs: number;
  /** Zoho keeps at most this many access tokens of one refresh token alive; a new one revokes the oldest. */
  liveTokenLimit: number;
  /** Proactive refresh margin = clamp(lifetime × ratio, min, max). */
  refreshMarginRatio: number;
  refreshMarginMinMs: number;
  refreshMarginMaxMs: number;
  /** Timeout of one token request. */
  timeoutMs: number;
}

/** What callers may pass: plain strings; everything optional. A resolved ZohoConfig is one too. */
export interface ZohoConfigInput {
  apiBaseUrl?: string | null | undefined;
  accountsUrl?: string | null | undefined;
  dc?: ZohoDc | string | undefined;
  authMode?: ZohoAuthMode | string | undefined;
  clientId?: string | null | undefined;
  clientSecret?: string | Secret | null | undefined;
  refreshToken?: string | Secret | null | undefined;
  accessToken?: string | Secret | null | undefined;
  concurrency?: number | undefined;
  timeoutMs?: number | undefined;
  lateWriteWindowMs?: number | undefined;
  mailConcurrency?: number | undefined;
  creditsCooldownMs?: number | undefined;
  retry?: Partial<ZohoRetrySettings> | undefined;
  token?: Partial<ZohoTokenSettings> | undefined;
  /** Passthrough: how many callers' tokens (org id, budget, credits) are remembered. */
  callerCacheSize?: number | undefined;
  /** Passthrough: how long a caller's token→org entry is trusted. */
  callerCacheTtlMs?: number | undefined;
  /** An HTTP(S)_PROXY or ALL_PROXY variable is set: axios then finds the proxy for each call. */
  proxyFromEnv?: boolean | undefined;
}

/** Resolved settings. Secrets are wrapped so that logging the config cannot leak them. */
export interface ZohoConfig {
  apiBaseUrl: string | null;
  accountsUrl: string | null;
  dc: ZohoDc;
  authMode: ZohoAuthMode;
  clientId: string | null;
  clientSecret: Secret | null;
  refreshToken: Secret | null;
  accessToken: Secret | null;
  concurrency: number;
  timeoutMs: number;
  /**
   * How long after it was sent a write that got no HTTP answer (a timeout, a reset) may still be
   * applied by Zoho. Until then such a write is treated as able to land: its item is UNKNOWN
   * unless a read-back already shows the desired state.
   */
  lateWriteWindowMs: number;
  /** Most calls in flight to Zoho's heavy APIs (mail), within `concurrency`: Zoho's sub-concurrency limit. */
  mailConcurrency: number;
  /** After Zoho says the day's credits are spent, calls fail at once for this long, then one tries again. */
  creditsCooldownMs: number;
  retry: ZohoRetrySettings;
  token: ZohoTokenSettings;
  callerCacheSize: number;
  callerCacheTtlMs: number;
  proxyFromEnv: boolean;
}

export const DEFAULT_RETRY: ZohoRetrySettings = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  maxTotalMs: 20_000,
};

export const DEFAULT_TOKEN: ZohoTokenSettings = {
  mintLimit: 10,
  mintWindowMs: 10 * 60_000,
  mintRefusalCooldownMs: 60_000,
  liveTokenLimit: 15,
  refreshMarginRatio: 0.1,
  refreshMarginMinMs: 0,
  refreshMarginMaxMs: 5 * 60_000,
  timeoutMs: 10_000,
};

export class ZohoConfigError extends Error {
  override name = 'ZohoConfigError';
}

const trimSlash = (u: string): string => u.replace(/\/+$/, '');
const blank = (v: string | undefined | null): v is undefined | null => v == null || v.trim() === '';
const plain = (v: string | Secret | null | undefined): string | undefined =>
  v instanceof Secret ? v.reveal() : v == null || v.trim() === '' ? undefined : v.trim();
const wrap = (v: string | undefined): Secret | null => (v === undefined ? null : new Secret(v));

function parseUrl(name: string, v: string | null | undefined): string | null {
  if (blank(v)) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ZohoConfigError(`${name} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ZohoConfigError(`${name} must be http(s)`);
  return trimSlash(u.toString());
}

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  if (v == null || Number.isNaN(v)) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new ZohoConfigError(`${name} must be a positive integer`);
  return v;
}

/** A data centre by its code, any case; absent or blank: us. */
export function resolveZohoDc(dc: ZohoDc | string | undefined): ZohoDc {
  const code = (dc ?? 'us').toString().trim().toLowerCase() || 'us';
  if (!(ZOHO_DCS as readonly string[]).includes(code)) {
    throw new ZohoConfigError(`ZOHO_DC must be one of ${ZOHO_DCS.join(', ')}`);
  }
  return code as ZohoDc;
}

/** Builds settings from explicit input; the mode defaults from what is set. Idempotent. */
export function resolveZohoConfig(input: ZohoConfigInput = {}): ZohoConfig {
  const clientSecret = plain(input.clientSecret);
  const refreshToken = plain(input.refreshToken);
  const accessToken = plain(input.accessToken);
  const dc = resolveZohoDc(input.dc);
  const hasService = !blank(input.clientId) && clientSecret !== undefined && refreshToken !== undefined;
  const hasToken = accessToken !== undefined;
  const modeRaw = blank(input.authMode as string | undefined)
    ? hasService
      ? 'service'
      : hasToken
        ? 'token'
        : 'passthrough'
    : String(input.authMode).trim().toLowerCase();
  if (modeRaw !== 'service' && modeRaw !== 'token' && modeRaw !== 'passthrough') {
    throw new ZohoConfigError('ZOHO_AUTH_MODE must be service, token or passthrough');
  }
  if (modeRaw === 'service' && !hasService) {
    throw new ZohoConfigError('service mode needs ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN');
  }
  if (modeRaw === 'token' && !hasToken) throw new ZohoConfigError('token mode needs ZOHO_ACCESS_TOKEN');

  const retry = { ...DEFAULT_RETRY, ...definedOnly(input.retry) };
  const token = { ...DEFAULT_TOKEN, ...definedOnly(input.token) };
  if (retry.maxAttempts < 1) throw new ZohoConfigError('retry.maxAttempts must be at least 1');
  return {
    apiBaseUrl: parseUrl('ZOHO_API_BASE_URL', input.apiBaseUrl),
    accountsUrl: parseUrl('ZOHO_ACCOUNTS_URL', input.accountsUrl),
    dc,
    authMode: modeRaw,
    clientId: blank(input.clientId) ? null : input.clientId.trim(),
    clientSecret: wrap(clientSecret),
    refreshToken: wrap(refreshToken),
    accessToken: wrap(accessToken),
    concurrency: positiveInt('ZOHO_CONCURRENCY', input.concurrency, 10),
    timeoutMs: positiveInt('ZOHO_TIMEOUT_MS', input.timeoutMs, 30_000),
    lateWriteWindowMs: positiveInt('ZOHO_LATE_WRITE_WINDOW_MS', input.lateWriteWindowMs, 60_000),
    mailConcurrency: positiveInt('ZOHO_MAIL_CONCURRENCY', input.mailConcurrency, 10),
    creditsCooldownMs: positiveInt('ZOHO_CREDITS_COOLDOWN_MS', input.creditsCooldownMs, 5 * 60_000),
    retry,
    token,
    callerCacheSize: positiveInt('callerCacheSize', input.callerCacheSize, 1_000),
    callerCacheTtlMs: positiveInt('callerCacheTtlMs', input.callerCacheTtlMs, 60 * 60_000),
    proxyFromEnv: input.proxyFromEnv ?? false,
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The accounts server for token requests: the variable, else the DC table. */
export function resolveAccountsUrl(config: Pick<ZohoConfig, 'accountsUrl' | 'dc'>): string {
  return config.accountsUrl ?? DC_HOSTS[config.dc].accountsUrl;
}

/**
 * The API host: the variable, else the `api_domain` that came with the token, else the DC table.
 * Returned without a trailing slash and without `/crm/v8`.
 */
export function resolveApiBaseUrl(
  config: Pick<ZohoConfig, 'apiBaseUrl' | 'dc'>,
  tokenApiDomain?: string | null,
): string {
  if (config.apiBaseUrl) return config.apiBaseUrl;
  if (tokenApiDomain) {
    try {
      const u = new URL(tokenApiDomain);
      if (u.protocol === 'https:' || u.protocol === 'http:') return trimSlash(u.toString());
    } catch {
      // A malformed api_domain is ignored rather than trusted.
    }
  }
  return DC_HOSTS[config.dc].apiBaseUrl;
}

/** A view of the settings that is safe to print. */
export function describeConfig(config: ZohoConfig): Record<string, unknown> {
  return {
    authMode: config.authMode,
    dc: config.dc,
    apiBaseUrl: config.apiBaseUrl,
    accountsUrl: resolveAccountsUrl(config),
    clientId: config.clientId ? '[set]' : null,
    concurrency: config.concurrency,
    timeoutMs: config.timeoutMs,
  };
}
