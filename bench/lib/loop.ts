/**
 * Load loops shared by the bench process and the direct-REST child: `concurrency` workers run
 * `op` until `maxOps` operations have started or `maxMs` has passed, whichever comes first.
 */
export interface OpOutcome {
  /** Items of a bulk operation that did not succeed. */
  failedItems?: number;
  /** Items of a bulk operation that succeeded. */
  succeededItems?: number;
}

export interface LoopResult {
  ops: number;
  /** Operations that threw (HTTP or GraphQL errors). */
  failures: number;
  firstFailure: string | null;
  failedItems: number;
  succeededItems: number;
  durationMs: number;
  latencies: number[];
}

export async function runLoop(
  op: (i: number) => Promise<OpOutcome | void>,
  opts: { concurrency: number; maxOps: number; maxMs: number },
): Promise<LoopResult> {
  const latencies: number[] = [];
  let started = 0;
  let failures = 0;
  let failedItems = 0;
  let succeededItems = 0;
  let firstFailure: string | null = null;
  const t0 = performance.now();
  const deadline = t0 + opts.maxMs;
  const worker = async () => {
    while (started < opts.maxOps && performance.now() < deadline) {
      const i = started++;
      const s = performance.now();
      try {
        const out = await op(i);
        failedItems += out?.failedItems ?? 0;
        succeededItems += out?.succeededItems ?? 0;
      } catch (e) {
        failures++;
        firstFailure ??= e instanceof Error ? e.message : String(e);
      }
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return {
    ops: latencies.length,
    failures,
    firstFailure,
    failedItems,
    succeededItems,
    durationMs: performance.now() - t0,
    latencies,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function summarize(latencies: readonly number[]): { p50: number; p95: number; p99: number } {
  const s = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}

/** A counting semaphore: Zoho's concurrency limit, honoured by the direct-REST client. */
export function semaphore(limit: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    // A released slot passes straight to the next waiter, so that no newcomer can slip in between.
    if (active >= limit) await new Promise<void>((r) => queue.push(r));
    else active++;
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}
