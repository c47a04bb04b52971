/**
 * The settle rules: how one write of one email (a link or an unlink) becomes a verdict that is
 * true whatever faults happened on the way.
 *
 * - done: Zoho said so, or a read-back shows the desired state;
 * - not done: no attempt may have been applied (Zoho refused it), or a read-back shows the old
 *   state and no attempt can still land;
 * - unknown: every other case (the read-back failed, an attempt with no answer may still land,
 *   or the email is now in a third state), with the reason.
 *
 * An item the answer left out because Zoho refused its whole batch for other items was never
 * tried, so it is sent once more. Read-backs go straight to Zoho, past every cache.
 */
import type { LinkItemOutcome, ZohoError } from '../zoho/index.ts';

/** Where an email's link is, as read back: a deal id, null for no deal, 'gone' when Zoho no longer lists the email. */
export type LinkState = string | null | 'gone';

/** The clock and the late-write window: an attempt with no answer may still land this long after it was sent. */
export interface LateWrites {
  now(): number;
  windowMs: number;
}

export type UnknownReason = 'read_failed' | 'may_still_land' | 'changed';

export type StepResult =
  | { kind: 'done'; unansweredAt: number | null }
  | { kind: 'not_done'; error: ZohoError }
  | { kind: 'unknown'; why: UnknownReason; error: ZohoError; state: LinkState | null; unansweredAt: number | null };

/** Whether an attempt sent at `unansweredAt` with no answer may still land now. */
export function mayStillLand(unansweredAt: number | null, late: LateWrites): boolean {
  return unansweredAt !== null && late.now() < unansweredAt + late.windowMs;
}

export interface SettleOptions {
  write(): Promise<LinkItemOutcome>;
  /** The email's link now, straight from Zoho; throws when Zoho cannot be read. */
  readBack(): Promise<LinkState>;
  desired(state: LinkState): boolean;
  old(state: LinkState): boolean;
  late: LateWrites;
}

export async function settleWrite(o: SettleOptions): Promise<StepResult> {
  let outcome = await o.write();
  if (outcome.kind === 'refused' && outcome.collateral) outcome = await o.write();
  if (outcome.kind === 'applied') return { kind: 'done', unansweredAt: outcome.unansweredAt };
  if (outcome.kind === 'refused') return { kind: 'not_done', error: outcome.error };

  const { error, unansweredAt } = outcome;
  let state: LinkState;
  try {
    state = await o.readBack();
  } catch {
    return { kind: 'unknown', why: 'read_failed', error, state: null, unansweredAt };
  }
  if (o.desired(state)) return { kind: 'done', unansweredAt };
  if (mayStillLand(unansweredAt, o.late)) return { kind: 'unknown', why: 'may_still_land', error, state, unansweredAt };
  if (o.old(state)) return { kind: 'not_done', error };
  return { kind: 'unknown', why: 'changed', error, state, unansweredAt };
}
