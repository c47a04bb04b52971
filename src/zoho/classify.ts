/**
 * The classifier: for every ZohoError, in one place, what follows from it. Everything else (the
 * transport's retries, the item outcomes of link and unlink, the codes of GraphQL errors and of
 * item errors) derives from this, so that "5xx, timeout or network" is worked out once.
 *
 * - `retry`: whether another attempt of the same call may help: `always` (Zoho refused before
 *   doing anything, or nothing was sent), `if_idempotent` (the attempt may have been applied, so
 *   only a call that is idempotent in effect may be sent again), or `never`.
 * - `mayHaveApplied`: whether Zoho may have applied the attempt. Only two kinds of attempt cannot
 *   have been: one that failed before its request was written, and one that Zoho refused with a
 *   4xx. A 2xx that cannot be read counts as maybe applied, and so does an item it leaves out.
 * - `canStillLand`: whether the attempt got no HTTP answer (a timeout, a reset): it may still be
 *   at work inside Zoho after we gave up, and land later (within the late-write window).
 * - `code`: the stable code clients see for it, as an item error and as a GraphQL error. Item
 *   refusals (`rejected`, `item`) get UPSTREAM_ERROR here; the workflows refine them with what
 *   they know (an INVALID_DATA on `message_id` is NOT_FOUND, and so on: services/item-errors.ts).
 */
import type { AttemptPhase, AttemptRecord, ZohoError, ZohoErrorKind } from './errors.ts';

export type FailureCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'CREDITS_EXHAUSTED'
  | 'CALL_LIMIT_REACHED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'UNKNOWN_RESULT';

export type RetryRule = 'always' | 'if_idempotent' | 'never';

export interface Classification {
  retry: RetryRule;
  mayHaveApplied: boolean;
  canStillLand: boolean;
  code: FailureCode;
}

/** What each kind means once it was answered (or, for `timeout` and `network`, sent). */
const BY_KIND: Record<ZohoErrorKind, { retry: RetryRule; applied: boolean; code: FailureCode }> = {
  unavailable: { retry: 'if_idempotent', applied: true, code: 'UPSTREAM_UNAVAILABLE' },
  timeout: { retry: 'if_idempotent', applied: true, code: 'UPSTREAM_UNAVAILABLE' },
  network: { retry: 'if_idempotent', applied: true, code: 'UPSTREAM_UNAVAILABLE' },
  rate_limited: { retry: 'always', applied: false, code: 'RATE_LIMITED' },
  credits_exhausted: { retry: 'never', applied: false, code: 'CREDITS_EXHAUSTED' },
  auth: { retry: 'never', applied: false, code: 'UNAUTHENTICATED' },
  forbidden: { retry: 'never', applied: false, code: 'FORBIDDEN' },
  rejected: { retry: 'never', applied: false, code: 'UPSTREAM_ERROR' },
  item: { retry: 'never', applied: false, code: 'UPSTREAM_ERROR' },
  unknown_result: { retry: 'never', applied: true, code: 'UNKNOWN_RESULT' },
  invalid_response: { retry: 'never', applied: true, code: 'UPSTREAM_ERROR' },
  token_mint: { retry: 'never', applied: false, code: 'RATE_LIMITED' },
  caller: { retry: 'never', applied: false, code: 'UNAUTHENTICATED' },
  deadline: { retry: 'never', applied: false, code: 'RATE_LIMITED' },
  call_limit: { retry: 'never', applied: false, code: 'CALL_LIMIT_REACHED' },
};

export function classifyParts(kind: ZohoErrorKind, phase: AttemptPhase): Classification {
  const k = BY_KIND[kind];
  if (phase === 'not_sent') {
    // Nothing left us: nothing can have been applied, and an outage of the network or of the
    // accounts server may well pass, so trying again is safe for any call.
    const transient = kind === 'network' || kind === 'unavailable' || kind === 'timeout';
    return { retry: transient ? 'always' : k.retry, mayHaveApplied: false, canStillLand: false, code: k.code };
  }
  return { retry: k.retry, mayHaveApplied: k.applied, canStillLand: phase === 'no_answer', code: k.code };
}

export function classify(e: Pick<ZohoError, 'kind' | 'phase'>): Classification {
  return classifyParts(e.kind, e.phase);
}

/** Whether this error, on a call of this kind, is worth another attempt. */
export function mayRetry(e: Pick<ZohoError, 'kind' | 'phase'>, idempotent: boolean): boolean {
  const { retry } = classify(e);
  return retry === 'always' || (retry === 'if_idempotent' && idempotent);
}

/** Whether this attempt of a call may have been applied (an accepted answer is judged by its body). */
export function attemptMayHaveApplied(a: AttemptRecord): boolean {
  return a.kind !== 'ok' && classifyParts(a.kind, a.phase).mayHaveApplied;
}

/** The send time of the latest attempt that got no HTTP answer (it may still land), or null. */
export function latestUnanswered(history: readonly AttemptRecord[]): number | null {
  let at: number | null = null;
  for (const a of history) {
    if (a.phase === 'no_answer' && a.sentAt !== null && (at === null || a.sentAt > at)) at = a.sentAt;
  }
  return at;
}
