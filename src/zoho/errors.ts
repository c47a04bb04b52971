/**
 * One error type for everything that can go wrong between us and Zoho, built from each shape
 * Zoho answers with (docs/zoho-notes.md §13): the single envelope, flat per-item arrays (associate),
 * arrays of arrays (link/unlink 400), empty or non-JSON bodies, the accounts server's OAuth
 * errors (some of them with HTTP 200), network failures and timeouts.
 *
 * `kind` says what happened; `phase` says how far the attempt got (not sent, sent with no answer,
 * answered). What follows from them (retry or not, the codes clients see, whether the attempt may
 * have been applied) is decided in one place: classify.ts.
 *
 * A ZohoError never holds a token, a secret, a request config or a raw library error: those are
 * where secrets hide (axios errors carry the Authorization header).
 */
import { scrubText } from './secret.ts';

export type ZohoErrorKind =
  /** Zoho, or its accounts server, answered 5xx. */
  | 'unavailable'
  /** No answer within the call's timeout. */
  | 'timeout'
  /** The connection failed: refused, DNS, reset, hung up (`phase` says whether it was sent). */
  | 'network'
  /** 429 for concurrency: Zoho refused before doing anything. */
  | 'rate_limited'
  /** 429 with `X-API-CREDITS-REMAINING: 0`: the day's credits are spent. */
  | 'credits_exhausted'
  /** 401, or the accounts server refused our credentials. */
  | 'auth'
  /** 403: the user may not do this. */
  | 'forbidden'
  /** Any other 4xx for the whole call: Zoho refused it and applied nothing. */
  | 'rejected'
  /** Zoho refused one item of a batch (the others may have succeeded). */
  | 'item'
  /** A 2xx that does not say what happened to an item. */
  | 'unknown_result'
  /** An answer whose body is not one this call can use (non-JSON, empty where a body was needed). */
  | 'invalid_response'
  /** The access-token mint limit (10 per refresh token per 10 minutes), ours or Zoho's. */
  | 'token_mint'
  /** The caller's own request to us was unusable (no token in pass-through mode). */
  | 'caller'
  /** The request's deadline passed before the call could be sent. */
  | 'deadline'
  /** The operation had made as many Zoho calls as one operation may: this one was not sent. */
  | 'call_limit';

/**
 * How far an attempt got:
 * - `not_sent`: it failed before its request was written (connection refused, DNS, no token, a
 *   refusal by the budget or the token provider): it cannot have been applied;
 * - `no_answer`: the request went out and no HTTP answer came (timeout, reset): Zoho may have
 *   applied it, and may still apply it after we gave up;
 * - `answered`: Zoho answered with an HTTP status.
 */
export type AttemptPhase = 'not_sent' | 'no_answer' | 'answered';

/** The call an error came from: never a URL with ids or a query string, never a token. */
export interface ZohoCall {
  method: string;
  /** Route template, e.g. `/crm/v8/Contacts/{id}/Emails/actions/link_record`. */
  route: string;
}

/** One HTTP attempt of a call, as remembered for the decision about its outcome. */
export interface AttemptRecord {
  /** 'ok' when the attempt got an answer the transport accepted. */
  kind: ZohoErrorKind | 'ok';
  phase: AttemptPhase;
  status: number | null;
  code: string | null;
  /** When the request was sent (epoch ms), for attempts that went out. */
  sentAt: number | null;
}

export interface ZohoErrorInit {
  kind: ZohoErrorKind;
  code: string;
  message: string;
  status?: number | null;
  details?: Record<string, unknown>;
  phase?: AttemptPhase;
  call?: ZohoCall | null;
  /** True when `code` is Zoho's own (from a response body); false for codes we made up. */
  fromZoho?: boolean;
  /** When to try again, when the refusal says (mint limit) or we know (credits). */
  retryAfterMs?: number | null;
}

export class ZohoError extends Error {
  override readonly name = 'ZohoError';
  readonly kind: ZohoErrorKind;
  /** Zoho's code (`INVALID_DATA`, `TOO_MANY_REQUESTS`…) or ours (`TIMEOUT`, `UNKNOWN_RESULT`…). */
  readonly code: string;
  /** HTTP status, or null when none was received. */
  readonly status: number | null;
  readonly details: Record<string, unknown>;
  readonly phase: AttemptPhase;
  readonly call: ZohoCall | null;
  readonly fromZoho: boolean;
  /** When to try again, when the refusal says or the gateway knows (set by the transport on a 429). */
  retryAfterMs: number | null;
  /** Attempts made, and what each one did (set by the transport). */
  attempts = 1;
  history: readonly AttemptRecord[] = [];

  constructor(init: ZohoErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status ?? null;
    this.details = init.details ?? {};
    this.phase = init.phase ?? (init.status != null ? 'answered' : 'not_sent');
    this.call = init.call ?? null;
    this.fromZoho = init.fromZoho ?? false;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      status: this.status,
      message: this.message,
      details: this.details,
      phase: this.phase,
      call: this.call,
      fromZoho: this.fromZoho,
      attempts: this.attempts,
    };
  }
}

export const isZohoError = (e: unknown): e is ZohoError => e instanceof ZohoError;

// ---------------------------------------------------------------------------------------------
// Small JSON helpers
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Zoho's `{code, message, status:"error", details}` (common.json API_Exception). */
export function isErrorEnvelope(
  v: unknown,
): v is { code: string; message?: string; status?: string; details?: unknown } {
  return (
    isObj(v) && typeof v.code === 'string' && v.code !== 'SUCCESS' && (v.status === 'error' || v.status === undefined)
  );
}

/** Parses a body as JSON; `undefined` for an empty body, `null` data with `nonJson` for junk. */
export function parseJsonBody(text: string | null | undefined): { json: unknown; empty: boolean; nonJson: boolean } {
  if (text == null || text.trim() === '') return { json: undefined, empty: true, nonJson: false };
  try {
    return { json: JSON.parse(text), empty: false, nonJson: false };
  } catch {
    return { json: undefined, empty: false, nonJson: true };
  }
}

export function snippet(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const flat = scrubText(text).replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

// ---------------------------------------------------------------------------------------------
// Whole-call errors
// ---------------------------------------------------------------------------------------------

/** The kind an HTTP error status (with Zoho's code, when there is one) stands for. */
export function kindOfStatus(status: number, code?: string): ZohoErrorKind {
  if (status === 429 || code === 'TOO_MANY_REQUESTS') return 'rate_limited';
  if (status === 401 || code === 'INVALID_TOKEN' || code === 'AUTHENTICATION_FAILURE') return 'auth';
  if (status === 403 || code === 'NO_PERMISSION') return 'forbidden';
  // 501 says the request will never work: a refusal, not an outage. 408 is a proxy's timeout.
  if ((status >= 500 && status !== 501) || status === 408) return 'unavailable';
  return 'rejected';
}

/** The first error object in an items body: flat (`[{…}]`) or array-of-arrays (`[[{…}]]`). */
function firstItemError(items: unknown[]): Obj | undefined {
  for (const it of items) {
    if (Array.isArray(it)) {
      const e = it.find(isErrorEnvelope);
      if (e) return e as Obj;
    } else if (isErrorEnvelope(it)) {
      return it as Obj;
    }
  }
  return undefined;
}

export interface ResponseErrorInput {
  status: number;
  /** The raw body text (never the request). */
  text?: string | null;
  /** Already-parsed JSON, if the caller has it. */
  json?: unknown;
  call: ZohoCall | null;
}

/**
 * One error for a whole call from an HTTP answer: the single envelope, the first error of an
 * items body, an OAuth `{error, error_description}`, or a non-JSON / empty body.
 */
export function errorFromResponse(input: ResponseErrorInput): ZohoError {
  const { status, call } = input;
  const parsed =
    input.json !== undefined ? { json: input.json, empty: false, nonJson: false } : parseJsonBody(input.text);
  const body = parsed.json;

  const envelope = isErrorEnvelope(body)
    ? body
    : isObj(body)
      ? firstItemError(Object.values(body).find(Array.isArray) ?? [])
      : undefined;
  if (envelope) {
    const code = String(envelope.code);
    return new ZohoError({
      kind: kindOfStatus(status, code),
      code,
      message: str(envelope.message) ?? code,
      status,
      details: isObj(envelope.details) ? envelope.details : {},
      call,
      fromZoho: true,
    });
  }
  if (isObj(body) && typeof body.error === 'string') return oauthError(status, body, call);
  const kind = kindOfStatus(status);
  return new ZohoError({
    kind,
    code: kind === 'rate_limited' ? 'TOO_MANY_REQUESTS' : `HTTP_${status}`,
    message: parsed.empty
      ? `Zoho answered HTTP ${status} with an empty body`
      : `Zoho answered HTTP ${status} with a body that is not Zoho's JSON`,
    status,
    details: parsed.empty ? {} : { bodySnippet: snippet(input.text) },
    call,
  });
}

/**
 * Zoho Accounts' refusal to mint: `{"error":"Access Denied","error_description":"You have made too
 * many requests…","status":"failure"}`. Recognised by its structure (`status: "failure"`, or the
 * `error` value, which is a code), never by the description, which Zoho localises.
 */
export function isMintRefusal(body: unknown): boolean {
  return isObj(body) && (body.status === 'failure' || body.error === 'Access Denied');
}

/**
 * The accounts server's `{error, error_description}`, with any HTTP status (Zoho answers some with
 * 200). Stable codes: OAUTH_MINT_LIMIT, OAUTH_REFRESH_FAILED, OAUTH_UNAVAILABLE. The errors of the
 * token endpoint are never about an API request: they are `not_sent` for the call that needed the
 * token.
 */
export function oauthError(status: number | null, body: Obj, call: ZohoCall | null): ZohoError {
  const error = str(body.error) ?? 'unknown_error';
  if (isMintRefusal(body)) {
    return new ZohoError({
      kind: 'token_mint',
      code: 'OAUTH_MINT_LIMIT',
      message: 'Zoho refused to mint an access token: too many tokens minted for this refresh token recently',
      status,
      phase: 'not_sent',
      details: { refusedBy: 'accounts', error: scrubText(error) },
      call,
      fromZoho: true,
    });
  }
  if (status !== null && kindOfStatus(status) === 'unavailable') {
    return new ZohoError({
      kind: 'unavailable',
      code: 'OAUTH_UNAVAILABLE',
      message: `Zoho's accounts server failed (HTTP ${status})`,
      status,
      phase: 'not_sent',
      call,
    });
  }
  return new ZohoError({
    kind: 'auth',
    code: 'OAUTH_REFRESH_FAILED',
    message: `Zoho refused the refresh token grant (${scrubText(error)})`,
    status,
    phase: 'not_sent',
    details: { error: scrubText(error), error_description: snippet(str(body.error_description)) },
    call,
    fromZoho: true,
  });
}

/** The call outlived its timeout: the request was sent, and may still be at work in Zoho. */
export function timeoutError(call: ZohoCall | null, timeoutMs?: number, phase: AttemptPhase = 'no_answer'): ZohoError {
  return new ZohoError({
    kind: 'timeout',
    code: 'TIMEOUT',
    message: timeoutMs ? `No answer from Zoho within ${timeoutMs} ms` : 'No answer from Zoho in time',
    details: timeoutMs ? { timeoutMs } : {},
    phase,
    call,
  });
}

/** Failures that happen before any byte of the request leaves: nothing can have been applied. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Network failures and timeouts, from the `code` of a Node / axios error. Nothing else is kept. */
export function networkError(err: unknown, call: ZohoCall | null, timeoutMs?: number): ZohoError {
  const code = isObj(err) || err instanceof Error ? str((err as Obj).code) : undefined;
  // The transport sets axios' clarifyTimeoutError, so its own timeouts arrive as ETIMEDOUT.
  if (code === 'ETIMEDOUT') return timeoutError(call, timeoutMs);
  const notSent = code !== undefined && NOT_SENT_CODES.has(code);
  return new ZohoError({
    kind: 'network',
    code: 'NETWORK_ERROR',
    message: `Could not reach Zoho${code ? ` (${code})` : ''}`,
    details: code ? { cause: code } : {},
    // A reset or a hang-up after the request went out leaves its fate open, like a timeout.
    phase: notSent ? 'not_sent' : 'no_answer',
    call,
  });
}

/**
 * The same error, seen from a call that never sent its own request: what failed on the way to
 * the accounts server failed before the API request was written.
 */
export function notSent(e: ZohoError): ZohoError {
  if (e.phase === 'not_sent') return e;
  return new ZohoError({
    kind: e.kind,
    code: e.code,
    message: e.message,
    status: e.status,
    details: e.details,
    phase: 'not_sent',
    call: e.call,
    fromZoho: e.fromZoho,
    retryAfterMs: e.retryAfterMs,
  });
}

/** A body was needed but the answer had none. */
export function emptyResponseError(status: number, call: ZohoCall | null): ZohoError {
  return new ZohoError({
    kind: 'invalid_response',
    code: 'EMPTY_RESPONSE',
    message: `Zoho answered HTTP ${status} with no body where one was expected`,
    status,
    call,
  });
}

/** A 2xx whose body is not a shape this call understands. */
export function invalidResponseError(status: number, call: ZohoCall | null, text?: string | null): ZohoError {
  return new ZohoError({
    kind: 'invalid_response',
    code: 'INVALID_RESPONSE',
    message: `Zoho answered HTTP ${status} with an unexpected body`,
    status,
    details: { bodySnippet: snippet(text) },
    call,
  });
}

/** The error for an item whose fate a 2xx answer does not tell. */
export function unknownResultError(call: ZohoCall | null, status: number | null, reason: string): ZohoError {
  return new ZohoError({
    kind: 'unknown_result',
    code: 'UNKNOWN_RESULT',
    message: `Zoho's answer did not say what happened to this item (${reason})`,
    status,
    details: { reason },
    call,
  });
}
