/**
 * Zoho's limits, as plain state machines the request pipeline consults (docs/zoho-notes.md §14, §3):
 * - a concurrency gate: calls beyond the limit are refused at once with 429, never queued;
 * - daily credits over Zoho's rolling 24-hour window, with `X-API-CREDITS-REMAINING` once half
 *   are spent and 429 when none are left;
 * - a token-mint limit per refresh token per 10 minutes (default Zoho's 10);
 * - latency with jitter.
 *
 * Nothing here knows Fastify; the pipeline in app.ts calls these and writes the answers.
 */
import type { ZohoErrorBody, ZohoTokenError } from '../../wire/index.ts';
import type { TokenErrorLocale } from '../config.ts';

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/**
 * Zoho documents one 429 code, TOO_MANY_REQUESTS, for an exhausted credit budget and for too many
 * concurrent or sub-concurrent calls (docs/zoho-notes.md §14; Kaizen #203), but no body. This is its
 * standard envelope with the message clients have logged for it; clients must read the code.
 */
export function tooManyRequestsBody(): ZohoErrorBody {
  return {
    code: 'TOO_MANY_REQUESTS',
    details: {},
    message: 'too many requests. please try again after some time',
    status: 'error',
  };
}

/**
 * The calls that count against Zoho's sub-concurrency for mail (Kaizen #203 names "mail" among its
 * heavy APIs without listing routes): every call that reads or changes a mailbox, that is every
 * route under `/Emails` (lists, single emails, link and unlink), Associate Email, and the
 * email_available lookup. Records, metadata, users and the org are not mail.
 */
export function isMailRoute(routeKey: string): boolean {
  return (
    routeKey.includes('/Emails') ||
    routeKey.endsWith('/actions/associate_email') ||
    routeKey === 'GET /crm/v8/actions/email_available'
  );
}

/**
 * Zoho Accounts' refusal when a refresh token mints too fast, as clients have logged it, in
 * English and in Chinese: Zoho localizes both `error` and `error_description`, and adds
 * `status: "failure"`. Its HTTP status is 200 by Zoho's Kaizen #43, 400 in some client logs:
 * `tokenMintRefusalStatus` picks one.
 */
const MINT_REFUSAL: Record<TokenErrorLocale, { error: string; description: string }> = {
  en: {
    error: 'Access Denied',
    description: 'You have made too many requests continuously. Please try again after some time.',
  },
  zh: { error: '拒绝访问', description: '您已连续提出过多请求，请稍后再试。' },
};

export function tokenMintRefusalBody(locale: TokenErrorLocale = 'en'): ZohoTokenError {
  const text = MINT_REFUSAL[locale];
  return { error_description: text.description, error: text.error, status: 'failure' };
}

export const CREDITS_REMAINING_HEADER = 'X-API-CREDITS-REMAINING';

// ---------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------

/**
 * Calls in flight per key. Zoho counts concurrency per user and OAuth app, so callers key by
 * `${userId}:${clientId}`, which is per org for a gateway with one service user.
 */
export class ConcurrencyGate {
  readonly #inFlight = new Map<string, number>();

  /**
   * Enters the gate when fewer than `limit` calls of this key are in flight. Returns the
   * release function, safe to call more than once, or null when the call must be refused.
   * A null or non-positive limit means no limit.
   */
  tryEnter(key: string, limit: number | null | undefined): (() => void) | null {
    const n = this.#inFlight.get(key) ?? 0;
    if (limit != null && limit > 0 && n >= limit) return null;
    this.#inFlight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const m = (this.#inFlight.get(key) ?? 1) - 1;
      if (m <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, m);
    };
  }

  inFlight(key: string): number {
    return this.#inFlight.get(key) ?? 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Credits
// ---------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;
const BUCKET_MS = 60 * 1000;

export type CreditDecision =
  /** `remaining` is set once half the budget is spent: the value of X-API-CREDITS-REMAINING. */
  { allowed: true; remaining: number | null } | { allowed: false; remaining: 0 };

/**
 * Credits spent per org over Zoho's rolling 24-hour window (each call is checked against the
 * credits used in the preceding 24 h), kept in one-minute buckets so memory stays bounded.
 * `reset()` forgets everything: the emulator calls it on stats reset, on a full reset and when
 * `dailyCredits` is changed, so a test that sets a budget starts from a full one.
 */
export class CreditLedger {
  readonly #orgs = new Map<string, { buckets: Array<{ start: number; used: number }>; used: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Spends `cost` credits when the budget allows. A null or non-positive budget is unlimited. */
  spend(org: string, budget: number | null | undefined, cost = 1): CreditDecision {
    if (budget == null || budget <= 0) return { allowed: true, remaining: null };
    const state = this.#window(org);
    if (state.used + cost > budget) return { allowed: false, remaining: 0 };
    const start = Math.floor(this.#now() / BUCKET_MS) * BUCKET_MS;
    const last = state.buckets[state.buckets.length - 1];
    if (last && last.start === start) last.used += cost;
    else state.buckets.push({ start, used: cost });
    state.used += cost;
    // Zoho sends the header only once at least half of the daily credits are used.
    const remaining = budget - state.used;
    return { allowed: true, remaining: state.used * 2 >= budget ? remaining : null };
  }

  used(org: string): number {
    return this.#window(org).used;
  }

  reset(): void {
    this.#orgs.clear();
  }

  #window(org: string) {
    let state = this.#orgs.get(org);
    if (!state) {
      state = { buckets: [], used: 0 };
      this.#orgs.set(org, state);
    }
    const horizon = this.#now() - DAY_MS;
    while (state.buckets.length > 0 && state.buckets[0]!.start + BUCKET_MS <= horizon) {
      state.used -= state.buckets.shift()!.used;
    }
    return state;
  }
}

// ---------------------------------------------------------------------------------------------
// Token minting
// ---------------------------------------------------------------------------------------------

export const TOKEN_MINT_WINDOW_MS = 10 * 60 * 1000;

/**
 * Whether one more access token may be minted from a refresh token, given the grants it made in
 * the last 10 minutes. The grants are counted from the store's access-token rows, so the limit
 * holds across a restart. Zoho's v5 text says the 11th evicts the first; the emulator answers with Zoho
 * Accounts' refusal instead, which is what clients see when they refresh in a loop (docs/zoho-notes.md §3).
 */
export function tokenMintAllowed(
  grants: { countGrantsSince(refreshToken: string, sinceMs: number): number },
  refreshToken: string,
  limit: number | null | undefined,
  nowMs: number,
): boolean {
  if (limit == null || limit <= 0) return true;
  return grants.countGrantsSince(refreshToken, nowMs - TOKEN_MINT_WINDOW_MS) < limit;
}

// ---------------------------------------------------------------------------------------------
// Latency
// ---------------------------------------------------------------------------------------------

/** `latencyMs` plus a uniform random extra in [0, jitterMs), as config.ts documents it. */
export function latencyDelayMs(latencyMs: number, jitterMs: number, random: () => number = Math.random): number {
  const base = Math.max(0, latencyMs || 0);
  const jitter = Math.max(0, jitterMs || 0);
  return Math.floor(base + random() * jitter);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
