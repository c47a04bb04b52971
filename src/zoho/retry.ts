/**
 * Retry rules. Backoff comes from cockatiel (exponential, decorrelated jitter); the decision of
 * what may be retried is ours, because it depends on the call:
 * - 429: always, since Zoho refused before doing anything (credits or concurrency, §7.4),
 *   unless the answer says the day's credits are spent;
 * - 5xx, timeout, reset: only for idempotent calls (GET, unlink DELETE, link POST), because a
 *   write that timed out may have been applied (associate is resolved, never blindly re-sent);
 * - anything else: never.
 * Attempts and total time are both bounded.
 */
import { ExponentialBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import type { ZohoRetrySettings } from './config.ts';
import type { ZohoError } from './errors.ts';

export function createBackoff(s: ZohoRetrySettings): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return new ExponentialBackoff({ initialDelay: s.initialDelayMs, maxDelay: s.maxDelayMs });
}

/** The first `n` delays the backoff would produce (for tests and docs). */
export function sampleBackoffDelays(s: ZohoRetrySettings, n: number): number[] {
  const out: number[] = [];
  const ctx = { attempt: 0, signal: new AbortController().signal, result: { error: new Error('x') } };
  let b = createBackoff(s).next({ ...ctx, attempt: 1 });
  out.push(b.duration);
  for (let i = 2; i <= n; i++) {
    b = b.next({ ...ctx, attempt: i });
    out.push(b.duration);
  }
  return out;
}

/** Whether this error, on a call of this kind, is worth another attempt. */
export function isRetryableFor(error: ZohoError, idempotent: boolean): boolean {
  // A 429 that says the day's credits are gone (X-API-CREDITS-REMAINING: 0) is not retryable.
  if (error.kind === 'rate_limited') return error.retryable;
  if (error.kind === 'timeout' || error.kind === 'network') return idempotent;
  if (error.status !== null && error.status >= 500 && error.retryable) return idempotent;
  return false;
}
