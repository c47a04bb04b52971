/**
 * Backoff between attempts, from cockatiel (exponential, decorrelated jitter). What may be retried
 * is the classifier's decision (classify.ts): a 429 always (Zoho refused before doing anything,
 * unless the day's credits are spent); a 5xx, a timeout or a reset only for calls idempotent in
 * effect, since the attempt may have been applied; a failure before anything was sent always;
 * any other refusal never. Attempts and total time are both bounded.
 */
import { ExponentialBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import type { ZohoRetrySettings } from './config.ts';

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
