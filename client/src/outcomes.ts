/**
 * A mutation item's outcome, as a screen shows it. SUCCEEDED and FAILED are what they say; any
 * other status (the API may add one, such as UNKNOWN when neither Zoho nor a read-back can tell)
 * is shown as unknown, never as a success or a failure.
 */
export type ItemOutcome = 'succeeded' | 'failed' | 'unknown';

export function itemOutcome(status: string): ItemOutcome {
  if (status === 'SUCCEEDED') return 'succeeded';
  if (status === 'FAILED') return 'failed';
  return 'unknown';
}

export type Tally = Record<ItemOutcome, number>;

export function tally(results: ReadonlyArray<{ status: string }>): Tally {
  const counts: Tally = { succeeded: 0, failed: 0, unknown: 0 };
  for (const r of results) counts[itemOutcome(r.status)] += 1;
  return counts;
}
