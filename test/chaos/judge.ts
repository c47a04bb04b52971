/**
 * The judge of `npm run chaos`: whether one item's reported result is true of the emulator's
 * state, and whether one answer keeps the payload's contract. Plain functions over plain data, so
 * that the rules themselves are unit-tested (judge.test.ts) apart from any fault or process.
 *
 * The promise being checked (schema/links.graphql, CONTRACT.md):
 * - SUCCEEDED: the email is as asked, at once and for good (no attempt that would undo it can
 *   still land);
 * - FAILED: the email is as it was, at once and for good;
 * - UNKNOWN (or an UNKNOWN_RESULT code): no claim either way; counted, never untrue.
 */

/** Where an email is: a deal id, `null` for no deal, or ABSENT when the contact has no such email. */
export type Place = string | null;
/** Deal ids are digits, so this cannot be mistaken for one. */
export const ABSENT = 'ABSENT';

export type OpKind = 'link' | 'unlink' | 'move';

/** One result as the gateway reported it (the fields the judge reads). */
export interface ReportedItem {
  status: string;
  code: string | null;
  message: string | null;
  /** Moves only. */
  previousDealId?: string | null;
  restoreAttempted?: boolean;
  restored?: boolean | null;
  /** `email.linkedDeal.id` as reported; undefined when the result carries no email. */
  reportedDealId?: string | null | undefined;
}

export interface ItemCase {
  op: OpKind;
  /** link and move: the target deal. */
  dealId: string | null;
  /** unlink only: `expectedDealId`, or null when not sent. */
  expectedDealId: string | null;
  /** The email's place just before the operation was sent (nothing else writes it meanwhile). */
  before: Place;
  /** Read right after the answer. */
  after: Place;
  /** Read once no attempt of this operation can still land. */
  settled: Place;
  /** link and move: whether the target deal is related to the item's contact. */
  dealRelated: boolean;
  result: ReportedItem;
}

export type Verdict =
  | { kind: 'true'; status: 'SUCCEEDED' | 'FAILED'; leftOnNoDeal: boolean }
  | { kind: 'unknown'; changed: boolean; reachedDesired: boolean }
  | { kind: 'untrue'; what: 'state' | 'code' | 'field'; reason: string };

export const UNKNOWN_CODE = 'UNKNOWN_RESULT';

/** UNKNOWN, or FAILED with the UNKNOWN_RESULT code (the shape before UNKNOWN existed). */
export function isUnknown(r: Pick<ReportedItem, 'status' | 'code'>): boolean {
  return r.status === 'UNKNOWN' || r.code === UNKNOWN_CODE;
}

/** Where the operation wants the email. */
export function desiredPlace(c: Pick<ItemCase, 'op' | 'dealId'>): Place {
  return c.op === 'unlink' ? null : c.dealId;
}

export function describePlace(p: Place): string {
  if (p === null) return 'on no deal';
  if (p === ABSENT) return 'no such email';
  return `on deal ${p}`;
}

const untrue = (what: 'state' | 'code' | 'field', reason: string): Verdict => ({ kind: 'untrue', what, reason });

/** Whether the place held both right after the answer and once nothing could still land. */
function holds(c: ItemCase, want: Place): string | null {
  if (c.after !== want) return `right after the answer it was ${describePlace(c.after)}`;
  if (c.settled !== want) return `once no attempt could still land it was ${describePlace(c.settled)}`;
  return null;
}

export function judgeItem(c: ItemCase): Verdict {
  const r = c.result;
  const desired = desiredPlace(c);
  const changed = c.settled !== c.before;

  // Fields that state a fact hold whatever the status.
  const field = judgeFields(c);
  if (field) return field;

  if (isUnknown(r)) return { kind: 'unknown', changed, reachedDesired: c.settled === desired };

  if (r.status === 'SUCCEEDED') {
    if (c.before === ABSENT) return untrue('state', 'SUCCEEDED for an email the contact does not have');
    if (c.op === 'unlink' && c.expectedDealId !== null && c.before !== null && c.before !== c.expectedDealId) {
      return untrue(
        'state',
        `SUCCEEDED although the email was on deal ${c.before}, not on the expected deal ${c.expectedDealId}`,
      );
    }
    const off = holds(c, desired);
    if (off) return untrue('state', `SUCCEEDED, but ${off} (wanted ${describePlace(desired)})`);
    return { kind: 'true', status: 'SUCCEEDED', leftOnNoDeal: false };
  }

  if (r.status === 'FAILED') {
    // A move whose result says the email was left on no deal (restored: false) tells the truth
    // when it is on no deal; the restore check in judgeFields holds it to that.
    if (c.op === 'move' && r.restoreAttempted === true && r.restored === false) {
      return judgeCode(c) ?? { kind: 'true', status: 'FAILED', leftOnNoDeal: true };
    }
    const off = holds(c, c.before);
    if (off) return untrue('state', `FAILED (left as it was, ${describePlace(c.before)}), but ${off}`);
    return judgeCode(c) ?? { kind: 'true', status: 'FAILED', leftOnNoDeal: false };
  }

  return untrue('field', `status "${r.status}" is not SUCCEEDED, FAILED or UNKNOWN`);
}

/** The move's facts (previousDealId, restored) and the email the result shows. */
function judgeFields(c: ItemCase): Verdict | null {
  const r = c.result;
  if (c.op === 'move' && r.previousDealId !== undefined && c.before !== ABSENT) {
    // null is allowed when the email could not be read; a success had to read it.
    const mayBeNull = r.status !== 'SUCCEEDED';
    if (r.previousDealId !== c.before && !(mayBeNull && r.previousDealId === null)) {
      return untrue(
        'field',
        `previousDealId is ${r.previousDealId ?? 'null'}, but the email was ${describePlace(c.before)}`,
      );
    }
  }
  if (c.op === 'move' && r.restored === true) {
    const back = r.previousDealId ?? null;
    const off = holds(c, back);
    if (off) return untrue('state', `restored: true (back ${describePlace(back)}), but ${off}`);
  }
  if (c.op === 'move' && r.restored === false && r.restoreAttempted === true) {
    const off = holds(c, null);
    if (off) return untrue('state', `restored: false (left on no deal), but ${off}`);
  }
  if (r.status === 'SUCCEEDED' && r.reportedDealId !== undefined && c.before !== ABSENT) {
    const desired = desiredPlace(c);
    if (r.reportedDealId !== desired) {
      return untrue(
        'field',
        `the result's email shows it ${describePlace(r.reportedDealId)}, wanted ${describePlace(desired)}`,
      );
    }
  }
  return null;
}

/** Codes that claim something the harness knows to be false. */
function judgeCode(c: ItemCase): Verdict | null {
  const code = c.result.code;
  if (code === 'NOT_FOUND' && c.before !== ABSENT) {
    return untrue('code', 'NOT_FOUND, but the contact, the email and the deal all exist');
  }
  if (code === 'DEAL_NOT_RELATED' && c.op !== 'unlink' && c.dealRelated) {
    return untrue('code', "DEAL_NOT_RELATED, but the deal is related to the email's contact");
  }
  if (code === 'CONFLICT' && c.op === 'unlink' && c.expectedDealId !== null) {
    if (c.before === c.expectedDealId || c.before === null) {
      return untrue('code', `CONFLICT, but the email was ${describePlace(c.before)} (expected ${c.expectedDealId})`);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The payload's contract
// ---------------------------------------------------------------------------------------------

export interface SentItem {
  contactId: string;
  messageId: string;
}

export interface PayloadShape {
  results?: Array<{
    contactId?: unknown;
    messageId?: unknown;
    status?: unknown;
    error?: { code?: unknown } | null;
    restoreAttempted?: unknown;
    restored?: unknown;
  }>;
  totalCount?: unknown;
  succeededCount?: unknown;
  failedCount?: unknown;
  unknownCount?: unknown;
}

/**
 * What is wrong with one answer's shape: a result for every input item, in input order, each
 * with a known status, an error exactly when not SUCCEEDED, and counts that add up.
 */
export function payloadViolations(
  sent: readonly SentItem[],
  payload: PayloadShape | null | undefined,
  opts: { op: OpKind; unknownStatus: boolean; unknownCount: boolean },
): string[] {
  if (!payload || !Array.isArray(payload.results)) return ['no results in the answer'];
  const out: string[] = [];
  const results = payload.results;
  if (results.length !== sent.length) out.push(`${results.length} results for ${sent.length} items`);
  const statuses = opts.unknownStatus ? ['SUCCEEDED', 'FAILED', 'UNKNOWN'] : ['SUCCEEDED', 'FAILED'];
  results.slice(0, sent.length).forEach((r, i) => {
    const s = sent[i]!;
    if (r.contactId !== s.contactId || r.messageId !== s.messageId) {
      out.push(`result ${i} is for ${String(r.contactId)}/${String(r.messageId)}, not the input item at ${i}`);
    }
    if (typeof r.status !== 'string' || !statuses.includes(r.status)) {
      out.push(`result ${i} has status ${String(r.status)}`);
    }
    const hasError = r.error !== null && r.error !== undefined;
    if (r.status === 'SUCCEEDED' && hasError) out.push(`result ${i} is SUCCEEDED with an error`);
    if (r.status !== 'SUCCEEDED' && !hasError) out.push(`result ${i} is ${String(r.status)} without an error`);
    if (r.status === 'UNKNOWN' && r.error?.code !== UNKNOWN_CODE) {
      out.push(`result ${i} is UNKNOWN with code ${String(r.error?.code)}`);
    }
    if (opts.op === 'move') {
      if (typeof r.restoreAttempted !== 'boolean') out.push(`result ${i} has no restoreAttempted`);
      if (r.restoreAttempted === false && r.restored !== null) out.push(`result ${i} has restored without a restore`);
      if (opts.unknownStatus && r.status === 'UNKNOWN' && r.restored !== null && r.restored !== undefined) {
        out.push(`result ${i} is UNKNOWN with restored ${String(r.restored)}`);
      }
    }
  });
  const count = (status: string) => results.filter((r) => r.status === status).length;
  if (payload.totalCount !== undefined && payload.totalCount !== sent.length) {
    out.push(`totalCount ${String(payload.totalCount)} for ${sent.length} items`);
  }
  if (payload.succeededCount !== count('SUCCEEDED')) out.push(`succeededCount ${String(payload.succeededCount)}`);
  if (payload.failedCount !== count('FAILED')) out.push(`failedCount ${String(payload.failedCount)}`);
  if (opts.unknownCount && payload.unknownCount !== count('UNKNOWN')) {
    out.push(`unknownCount ${String(payload.unknownCount)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text that must never reach a caller or a log
// ---------------------------------------------------------------------------------------------

/** A JavaScript stack frame (`at fn (file:line:col)`, `at file:line:col`) or a stack field. */
const STACK_FRAME = /(?:^|\\n|\n)\s*at (?:async )?(?:[^\s()]+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+\)?/;
const STACK_FIELD = /"(?:stack|stacktrace)"\s*:/;

export function hasStackTrace(text: string): boolean {
  return STACK_FRAME.test(text) || STACK_FIELD.test(text);
}

/** Which of the named secrets occur in `text`. */
export function leakedSecrets(text: string, secrets: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of secrets) if (value.length >= 8 && text.includes(value)) out.push(name);
  return out;
}
