/**
 * The check of `extensions.zohoCalls` (docs/cost.md) on the gateway's answers: over a window of
 * operations, what the gateway said each would cost (`estimated`) and did cost (`actual`), against
 * the upstream's own count of the calls it received over the same operations.
 *
 * The gateway counts logical calls: an attempt refused with 429 and retried is one call for it and
 * two for the upstream, so the comparison takes the upstream's 429s off its count. Metadata the
 * gateway caches (the Deals module id, the Stage picklist, user names) is a call when it is
 * fetched, in the operation that fetched it, for both counts.
 */

/** `extensions.zohoCalls` as the gateway sends it. */
export interface ZohoCallsExtension {
  estimated: number | null;
  actual: number;
  limit: number;
}

/** What the answers of one window said, kept one figure per answer. */
export class ZohoCallsWindow {
  answers = 0;
  /** Answers with no (well-formed) `extensions.zohoCalls`. */
  missing = 0;
  readonly estimated: number[] = [];
  readonly actual: number[] = [];
  /** actual − estimated of each answer that had both. */
  readonly over: number[] = [];
  limit: number | null = null;

  /** One answer's `extensions` (or whatever the answer carried there). */
  add(extensions: unknown): void {
    this.answers++;
    const z = (extensions as { zohoCalls?: Partial<ZohoCallsExtension> } | null | undefined)?.zohoCalls;
    if (!z || typeof z.actual !== 'number') {
      this.missing++;
      return;
    }
    this.actual.push(z.actual);
    if (typeof z.limit === 'number') this.limit = z.limit;
    if (typeof z.estimated === 'number') {
      this.estimated.push(z.estimated);
      this.over.push(z.actual - z.estimated);
    }
  }
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** A row's check: the answers' figures and the upstream's count over the same operations. */
export interface ZohoCallsCheck {
  /** Which operations the answers are from. */
  over: string;
  /** Operations in the window (the upstream's count is over these). */
  ops: number;
  answers: number;
  missing: number;
  limit: number | null;
  estimated: Spread | null;
  estimatedTotal: number;
  actual: Spread | null;
  actualTotal: number;
  /** Every call the upstream received over the window, refused ones included. */
  upstreamCalls: number;
  /** Of those, refused with 429 (and retried by the gateway: one logical call). */
  upstream429: number;
  /** Metadata calls among the upstream's (settings, users, org): fetched when a cache expires. */
  upstreamMetadata: number;
  /** Answers whose actual count was above their estimate, and the largest excess. */
  overEstimate: number;
  maxOverEstimate: number;
  /** The sum of those excesses. */
  overEstimateTotal: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const spread = (xs: readonly number[]): Spread | null =>
  xs.length ? { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) } : null;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Routes of per-process metadata, which the gateway caches. */
const METADATA = /^GET \/crm\/v\d+\/(settings\/|users|org)/;

export function checkOf(
  w: ZohoCallsWindow,
  upstream: { byRoute: Record<string, number>; rejected429: number },
  ops: number,
  over: string,
): ZohoCallsCheck {
  const overs = w.over.filter((x) => x > 0);
  return {
    over,
    ops,
    answers: w.answers,
    missing: w.missing,
    limit: w.limit,
    estimated: spread(w.estimated),
    estimatedTotal: sum(w.estimated),
    actual: spread(w.actual),
    actualTotal: sum(w.actual),
    upstreamCalls: sum(Object.values(upstream.byRoute)),
    upstream429: upstream.rejected429,
    upstreamMetadata: sum(Object.entries(upstream.byRoute).flatMap(([k, v]) => (METADATA.test(k) ? [v] : []))),
    overEstimate: overs.length,
    maxOverEstimate: overs.length ? Math.max(...overs) : 0,
    overEstimateTotal: sum(overs),
  };
}

/** The repetitions of a row, folded into one check (totals summed; spreads of the medians). */
export function mergeChecks(checks: readonly ZohoCallsCheck[]): ZohoCallsCheck | null {
  if (checks.length === 0) return null;
  if (checks.length === 1) return checks[0]!;
  const fold = (pick: (c: ZohoCallsCheck) => Spread | null): Spread | null => {
    const xs = checks.map(pick).filter((x): x is Spread => x !== null);
    return xs.length
      ? {
          min: Math.min(...xs.map((x) => x.min)),
          median: median(xs.map((x) => x.median)),
          max: Math.max(...xs.map((x) => x.max)),
        }
      : null;
  };
  const add = (k: keyof ZohoCallsCheck) => checks.reduce((n, c) => n + (c[k] as number), 0);
  return {
    over: `${checks[0]!.over} (${checks.length} repetitions)`,
    ops: add('ops'),
    answers: add('answers'),
    missing: add('missing'),
    limit: checks.find((c) => c.limit !== null)?.limit ?? null,
    estimated: fold((c) => c.estimated),
    estimatedTotal: add('estimatedTotal'),
    actual: fold((c) => c.actual),
    actualTotal: add('actualTotal'),
    upstreamCalls: add('upstreamCalls'),
    upstream429: add('upstream429'),
    upstreamMetadata: add('upstreamMetadata'),
    overEstimate: add('overEstimate'),
    maxOverEstimate: Math.max(...checks.map((c) => c.maxOverEstimate)),
    overEstimateTotal: add('overEstimateTotal'),
  };
}

/** The gateway's count agrees with the upstream's: every call it received, less the refused attempts. */
export const countIsRight = (c: ZohoCallsCheck): boolean =>
  c.missing === 0 && c.answers > 0 && c.actualTotal === c.upstreamCalls - c.upstream429;
