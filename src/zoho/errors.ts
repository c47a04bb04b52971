/**
 * One error type for everything that can go wrong between us and Zoho, built from each shape
 * Zoho answers with (zoho-api.md §1.5, §2.3, §4.4, §6): the single envelope, flat per-item
 * arrays (associate), arrays of arrays (link/unlink 400), mixed 207 bodies, empty 204s,
 * non-JSON bodies, OAuth errors, network failures and timeouts.
 *
 * A ZohoError never holds a token, a secret, a request config or a raw library error: those are
 * where secrets hide (axios errors carry the Authorization header).
 */
import { scrubText } from './secret.ts';

export type ZohoErrorKind =
  /** Zoho answered with an error status not covered below. */
  | 'http'
  /** 401, or the accounts server refused our credentials. */
  | 'auth'
  /** 429: credits or concurrency exhausted; Zoho does not say which. */
  | 'rate_limited'
  /** The access-token mint limit (10 per refresh token per 10 minutes) was reached. */
  | 'token_mint'
  /** No connection, a reset, a DNS failure. */
  | 'network'
  /** The call outlived its timeout. */
  | 'timeout'
  /** A body was needed and none came (a 204, or an empty 2xx). */
  | 'empty'
  /** A body came that is not JSON, or not a shape Zoho uses. */
  | 'invalid_response'
  /** One item of a batch failed; the others may have succeeded. */
  | 'item'
  /** We cannot tell whether a write was applied. */
  | 'unknown_result'
  /** The caller's own request to us was unusable (e.g. no token in passthrough mode). */
  | 'caller';

/** The call an error came from: never a URL with ids or a query string, never a token. */
export interface ZohoCall {
  method: string;
  /** Route template, e.g. `/crm/v8/Contacts/{id}/Emails/actions/link_record`. */
  route: string;
}

export interface ZohoErrorInit {
  kind: ZohoErrorKind;
  code: string;
  message: string;
  status?: number | null;
  details?: Record<string, unknown>;
  retryable?: boolean;
  call?: ZohoCall | null;
  /** True when `code` is Zoho's own (from a response body); false for codes we made up. */
  fromZoho?: boolean;
  attempts?: number;
}

export class ZohoError extends Error {
  override readonly name = 'ZohoError';
  readonly kind: ZohoErrorKind;
  /** Zoho's code (`INVALID_DATA`, `TOO_MANY_REQUESTS`…) or ours (`TIMEOUT`, `UNKNOWN_RESULT`…). */
  readonly code: string;
  /** HTTP status, or null when none was received. */
  readonly status: number | null;
  readonly details: Record<string, unknown>;
  /** Whether the same call may succeed if made again later. */
  readonly retryable: boolean;
  readonly call: ZohoCall | null;
  readonly fromZoho: boolean;
  /** Attempts made before giving up (set by the transport). */
  attempts: number;

  constructor(init: ZohoErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.code = init.code;
    this.status = init.status ?? null;
    this.details = init.details ?? {};
    this.retryable = init.retryable ?? false;
    this.call = init.call ?? null;
    this.fromZoho = init.fromZoho ?? false;
    this.attempts = init.attempts ?? 1;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      status: this.status,
      message: this.message,
      details: this.details,
      retryable: this.retryable,
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
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
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

function snippet(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const flat = scrubText(text).replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

// ---------------------------------------------------------------------------------------------
// Whole-call errors
// ---------------------------------------------------------------------------------------------

const RETRYABLE_CODES = new Set(['TOO_MANY_REQUESTS', 'INTERNAL_ERROR', 'INTERNAL_SERVER_ERROR']);

function kindFor(status: number | null, code: string): ZohoErrorKind {
  if (status === 429 || code === 'TOO_MANY_REQUESTS') return 'rate_limited';
  if (
    status === 401 ||
    code === 'INVALID_TOKEN' ||
    code === 'AUTHENTICATION_FAILURE' ||
    code === 'OAUTH_SCOPE_MISMATCH'
  ) {
    return 'auth';
  }
  return 'http';
}

/** Whether an HTTP status alone says "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501);
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

  if (isErrorEnvelope(body)) {
    const code = body.code;
    return new ZohoError({
      kind: kindFor(status, code),
      code,
      message: str(body.message) ?? code,
      status,
      details: isObj(body.details) ? body.details : {},
      retryable: isRetryableStatus(status) || RETRYABLE_CODES.has(code),
      call,
      fromZoho: true,
    });
  }
  if (isObj(body)) {
    // An items body answered as a whole-call failure (e.g. associate's flat `{"Emails":[{…}]}`).
    const items = Object.values(body).find(Array.isArray);
    const first = items ? firstItemError(items) : undefined;
    if (first) {
      const code = String(first.code);
      return new ZohoError({
        kind: kindFor(status, code),
        code,
        message: str(first.message) ?? code,
        status,
        details: isObj(first.details) ? first.details : {},
        retryable: isRetryableStatus(status),
        call,
        fromZoho: true,
      });
    }
    if (typeof body.error === 'string') return oauthError(status, body, call);
  }
  if (parsed.empty) {
    return new ZohoError({
      kind: status === 429 ? 'rate_limited' : status === 401 ? 'auth' : 'http',
      code: status === 429 ? 'TOO_MANY_REQUESTS' : `HTTP_${status}`,
      message: `Zoho answered HTTP ${status} with an empty body`,
      status,
      retryable: isRetryableStatus(status),
      call,
    });
  }
  return new ZohoError({
    kind:
      status === 429
        ? 'rate_limited'
        : status === 401
          ? 'auth'
          : isRetryableStatus(status)
            ? 'http'
            : 'invalid_response',
    code: status === 429 ? 'TOO_MANY_REQUESTS' : `HTTP_${status}`,
    message: `Zoho answered HTTP ${status} with a body that is not Zoho's JSON`,
    status,
    details: { bodySnippet: snippet(input.text) },
    retryable: isRetryableStatus(status),
    call,
  });
}

/** Zoho Accounts' refusal of a token mint (HTTP 400, zoho-api.md §8 / issue 3). */
export function isMintRefusal(body: unknown): boolean {
  if (!isObj(body)) return false;
  const desc = `${str(body.error) ?? ''} ${str(body.error_description) ?? ''}`.toLowerCase();
  return desc.includes('too many requests') || desc.includes('access denied');
}

/** The accounts server's `{error, error_description}`. Stable codes: OAUTH_MINT_LIMIT, OAUTH_REFRESH_FAILED. */
export function oauthError(status: number | null, body: Obj, call: ZohoCall | null): ZohoError {
  const error = str(body.error) ?? 'unknown_error';
  if (isMintRefusal(body)) {
    return new ZohoError({
      kind: 'token_mint',
      code: 'OAUTH_MINT_LIMIT',
      message: 'Zoho refused to mint an access token: too many tokens minted for this refresh token recently',
      status,
      details: { refusedBy: 'accounts', error, error_description: str(body.error_description) },
      retryable: false,
      call,
      fromZoho: true,
    });
  }
  return new ZohoError({
    kind: 'auth',
    code: 'OAUTH_REFRESH_FAILED',
    message: `Zoho refused the refresh token grant (${scrubText(error)})`,
    status,
    details: { error: scrubText(error), error_description: snippet(str(body.error_description)) },
    retryable: status !== null && isRetryableStatus(status),
    call,
    fromZoho: true,
  });
}

/** The call outlived its timeout. */
export function timeoutError(call: ZohoCall | null, timeoutMs?: number): ZohoError {
  return new ZohoError({
    kind: 'timeout',
    code: 'TIMEOUT',
    message: timeoutMs ? `No answer from Zoho within ${timeoutMs} ms` : 'No answer from Zoho in time',
    details: timeoutMs ? { timeoutMs } : {},
    retryable: true,
    call,
  });
}

/** Network failures and timeouts, from the `code` of a Node / axios error. Nothing else is kept. */
export function networkError(err: unknown, call: ZohoCall | null, timeoutMs?: number): ZohoError {
  const code = isObj(err) || err instanceof Error ? str((err as Obj).code) : undefined;
  // The transport sets axios' clarifyTimeoutError, so its own timeouts arrive as ETIMEDOUT.
  if (code === 'ETIMEDOUT') return timeoutError(call, timeoutMs);
  return new ZohoError({
    kind: 'network',
    code: 'NETWORK_ERROR',
    message: `Could not reach Zoho${code ? ` (${code})` : ''}`,
    details: code ? { cause: code } : {},
    retryable: true,
    call,
  });
}

/** A body was needed but the answer had none. */
export function emptyResponseError(status: number, call: ZohoCall | null): ZohoError {
  return new ZohoError({
    kind: 'empty',
    code: 'EMPTY_RESPONSE',
    message: `Zoho answered HTTP ${status} with no body where one was expected`,
    status,
    retryable: false,
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
    retryable: false,
    call,
  });
}

// ---------------------------------------------------------------------------------------------
// Per-item results (link / unlink)
// ---------------------------------------------------------------------------------------------

export type ItemOutcome = { ok: true; messageId: string } | { ok: false; messageId: string; error: ZohoError };

export interface ItemParseInput {
  status: number;
  /** Parsed body, or undefined when the body was empty. */
  json: unknown;
  text?: string | null;
  /** The message id of each input item, in input order. */
  messageIds: readonly string[];
  call: ZohoCall | null;
}

/** `Emails[3].message_id`, `$.Emails[3]`, `message_ids[3]` → 3. */
export function jsonPathIndex(path: unknown): number | undefined {
  if (typeof path !== 'string') return undefined;
  const m = /^(?:\$\.)?(?:Emails|message_ids|data)\[(\d+)\]/.exec(path.trim());
  return m ? Number(m[1]) : undefined;
}

function itemError(errors: Obj[], status: number, call: ZohoCall | null): ZohoError {
  const [first] = errors as [Obj, ...Obj[]];
  const code = String(first.code);
  const details: Record<string, unknown> = isObj(first.details) ? { ...first.details } : {};
  if (errors.length > 1) {
    details.errors = errors.map((e) => ({ code: e.code, message: e.message, details: e.details }));
  }
  return new ZohoError({
    kind: 'item',
    code,
    message: str(first.message) ?? code,
    status,
    details,
    retryable: false,
    call,
    fromZoho: true,
  });
}

/** The error for an item whose fate the answer does not tell. */
export function unknownResultError(call: ZohoCall | null, status: number | null, reason: string): ZohoError {
  return new ZohoError({
    kind: 'unknown_result',
    code: 'UNKNOWN_RESULT',
    message: `Zoho's answer did not say what happened to this item (${reason})`,
    status,
    details: { reason },
    // Link and unlink are idempotent in effect, so sending the item again is safe.
    retryable: true,
    call,
  });
}

/**
 * One outcome per input item, in input order, from a link/unlink answer (200, 207 or 400):
 * - errors are matched to inputs by the index in their `json_path` (`Emails[3]…`,
 *   `message_ids[3]`), never by their position in the array (an atomic 400 lists only the bad
 *   items); position is used only when no path is given and the array has one entry per input;
 * - successes are matched by `details.message_id`;
 * - a single error envelope applies to every item;
 * - an item the answer does not mention is UNKNOWN_RESULT, never success.
 */
export function parseItemOutcomes(input: ItemParseInput): ItemOutcome[] {
  const { status, json, messageIds, call } = input;
  const n = messageIds.length;
  const out: Array<ItemOutcome | undefined> = new Array(n).fill(undefined);
  const fillAll = (error: ZohoError): ItemOutcome[] => messageIds.map((messageId) => ({ ok: false, messageId, error }));

  if (json === undefined) {
    if (input.text != null && input.text.trim() !== '') {
      return fillAll(
        status >= 400
          ? errorFromResponse({ status, text: input.text, call })
          : invalidResponseError(status, call, input.text),
      );
    }
    const e = unknownResultError(call, status, `HTTP ${status} with no body`);
    return fillAll(status >= 400 ? errorFromResponse({ status, text: '', call }) : e);
  }
  const items = isObj(json) ? json.Emails : undefined;
  if (!Array.isArray(items)) {
    if (status >= 400 || isErrorEnvelope(json)) return fillAll(errorFromResponse({ status, json, call }));
    return fillAll(invalidResponseError(status, call, input.text));
  }

  const byMessageId = new Map<string, number[]>();
  messageIds.forEach((id, i) => byMessageId.set(id, [...(byMessageId.get(id) ?? []), i]));
  const positional = items.length === n;

  items.forEach((entry, pos) => {
    const errors = Array.isArray(entry) ? entry.filter(isErrorEnvelope) : isErrorEnvelope(entry) ? [entry] : [];
    if (errors.length > 0) {
      const fromPath = errors
        .map((e) => jsonPathIndex(isObj(e.details) ? e.details.json_path : undefined))
        .find((i) => i !== undefined);
      const idx = fromPath ?? (positional ? pos : undefined);
      if (idx !== undefined && idx < n && out[idx] === undefined) {
        out[idx] = { ok: false, messageId: messageIds[idx]!, error: itemError(errors as Obj[], status, call) };
      }
      return;
    }
    if (isObj(entry) && (entry.status === 'success' || entry.code === 'SUCCESS')) {
      const mid = isObj(entry.details) ? str(entry.details.message_id) : undefined;
      const targets = mid !== undefined ? byMessageId.get(mid) : positional ? [pos] : undefined;
      for (const idx of targets ?? []) {
        if (out[idx] === undefined) out[idx] = { ok: true, messageId: messageIds[idx]! };
      }
    }
  });

  return out.map(
    (o, i) =>
      o ?? {
        ok: false,
        messageId: messageIds[i]!,
        error: unknownResultError(call, status, 'item missing from the response'),
      },
  );
}
