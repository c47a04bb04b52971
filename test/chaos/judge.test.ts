/**
 * The chaos judge's rules over plain data: what makes a reported result true or untrue of the
 * emulator's state. The chaos run is only as trustworthy as these rules, so each one is pinned
 * here, including the measured untrue results it exists to catch.
 */
import { describe, expect, it } from 'vitest';
import {
  ABSENT,
  hasStackTrace,
  judgeItem,
  leakedSecrets,
  payloadViolations,
  type ItemCase,
  type ReportedItem,
} from './judge.ts';

const A = '5843104000000000001';
const B = '5843104000000000002';
const C = '5843104000000000003';

const ok: ReportedItem = { status: 'SUCCEEDED', code: null, message: null };
const failed = (code: string, message = 'm'): ReportedItem => ({ status: 'FAILED', code, message });
const unknown: ReportedItem = { status: 'UNKNOWN', code: 'UNKNOWN_RESULT', message: 'a write may still land' };

/** A link of an email on deal A to deal B, unless told otherwise. */
function link(over: Partial<ItemCase>): ItemCase {
  return {
    op: 'link',
    dealId: B,
    expectedDealId: null,
    before: A,
    after: A,
    settled: A,
    dealRelated: true,
    result: ok,
    ...over,
  };
}
const unlink = (over: Partial<ItemCase>): ItemCase => link({ op: 'unlink', dealId: null, ...over });
const move = (over: Partial<ItemCase>, result: Partial<ReportedItem> = {}): ItemCase =>
  link({
    op: 'move',
    ...over,
    result: { previousDealId: A, restoreAttempted: false, restored: null, ...ok, ...over.result, ...result },
  });

describe('SUCCEEDED is true only when the email is as asked, at once and for good', () => {
  it('a link found on the target deal right after the answer and once settled is true', () => {
    expect(judgeItem(link({ after: B, settled: B }))).toEqual({
      kind: 'true',
      status: 'SUCCEEDED',
      leftOnNoDeal: false,
    });
  });

  it('a link reported before the write landed is untrue', () => {
    const v = judgeItem(link({ after: A, settled: B }));
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
    expect(v.kind === 'untrue' && v.reason).toContain('right after the answer it was on deal');
  });

  it('a move undone afterwards by an abandoned unlink landing late is untrue', () => {
    const v = judgeItem(move({ after: B, settled: null }));
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
    expect(v.kind === 'untrue' && v.reason).toContain('once no attempt could still land it was on no deal');
  });

  it('an unlink that leaves the email on no deal is true, also when it was on none already', () => {
    expect(judgeItem(unlink({ after: null, settled: null })).kind).toBe('true');
    expect(judgeItem(unlink({ before: null, after: null, settled: null })).kind).toBe('true');
  });

  it('an unlink with expectedDealId that removed a link to another deal is untrue', () => {
    const v = judgeItem(unlink({ expectedDealId: C, before: A, after: null, settled: null }));
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
  });

  it('success for an email the contact does not have is untrue', () => {
    expect(judgeItem(link({ before: ABSENT, after: ABSENT, settled: ABSENT }))).toMatchObject({ kind: 'untrue' });
  });

  it('a result whose email shows another deal than the one asked for is untrue', () => {
    const v = judgeItem(link({ after: B, settled: B, result: { ...ok, reportedDealId: A } }));
    expect(v).toMatchObject({ kind: 'untrue', what: 'field' });
  });
});

describe('FAILED is true only when the email is as it was, at once and for good', () => {
  it('a refused link that changed nothing is true', () => {
    expect(judgeItem(link({ result: failed('RATE_LIMITED') }))).toEqual({
      kind: 'true',
      status: 'FAILED',
      leftOnNoDeal: false,
    });
  });

  it('a refused link of an email already on the target deal is true: it is as it was', () => {
    expect(judgeItem(link({ before: B, after: B, settled: B, result: failed('RATE_LIMITED') })).kind).toBe('true');
  });

  it('reproduction 1: link applied behind a 500, retries refused with 429, reported FAILED', () => {
    const v = judgeItem(link({ after: B, settled: B, result: failed('RATE_LIMITED') }));
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
    expect(v.kind === 'untrue' && v.reason).toContain('FAILED (left as it was, on deal');
  });

  it('reproduction 2: unlink applied behind a reset, retries refused, reported FAILED', () => {
    expect(judgeItem(unlink({ after: null, settled: null, result: failed('UNAUTHENTICATED') }))).toMatchObject({
      kind: 'untrue',
      what: 'state',
    });
  });

  it('reproduction 3: a move that says "still linked to its previous deal" while on no deal', () => {
    const v = judgeItem(
      move({ after: null, settled: null }, failed('RATE_LIMITED', 'it is still linked to deal ' + A)),
    );
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
  });

  it('reproduction 5: a FAILED unlink whose abandoned DELETE lands after the answer is untrue', () => {
    expect(judgeItem(unlink({ after: A, settled: null, result: failed('UPSTREAM_UNAVAILABLE') }))).toMatchObject({
      kind: 'untrue',
    });
  });

  it('a move that says it left the email on no deal (restored: false), and did, is true', () => {
    const v = judgeItem(
      move({ after: null, settled: null }, { ...failed('RATE_LIMITED'), restoreAttempted: true, restored: false }),
    );
    expect(v).toEqual({ kind: 'true', status: 'FAILED', leftOnNoDeal: true });
  });

  it('restored: false while a late restore put the email back is untrue', () => {
    const v = judgeItem(
      move({ after: null, settled: A }, { ...failed('RATE_LIMITED'), restoreAttempted: true, restored: false }),
    );
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
  });

  it('restored: true while the email is on no deal is untrue', () => {
    const v = judgeItem(
      move({ after: null, settled: null }, { ...failed('RATE_LIMITED'), restoreAttempted: true, restored: true }),
    );
    expect(v).toMatchObject({ kind: 'untrue', what: 'state' });
  });

  it('a move must name the deal the email was on; null only when it could not be read', () => {
    expect(judgeItem(move({ after: B, settled: B }, { previousDealId: C }))).toMatchObject({
      kind: 'untrue',
      what: 'field',
    });
    expect(judgeItem(move({}, { ...failed('UPSTREAM_UNAVAILABLE'), previousDealId: null })).kind).toBe('true');
    expect(judgeItem(move({ after: B, settled: B }, { previousDealId: null })).kind).toBe('untrue');
  });
});

describe('codes that claim what the harness knows to be false', () => {
  it('NOT_FOUND for an email that exists is untrue; for one that does not, true', () => {
    expect(judgeItem(link({ result: failed('NOT_FOUND') }))).toMatchObject({ kind: 'untrue', what: 'code' });
    expect(judgeItem(link({ before: ABSENT, after: ABSENT, settled: ABSENT, result: failed('NOT_FOUND') })).kind).toBe(
      'true',
    );
  });

  it("DEAL_NOT_RELATED is untrue when the deal is related to the email's contact", () => {
    expect(judgeItem(link({ result: failed('DEAL_NOT_RELATED') }))).toMatchObject({ kind: 'untrue', what: 'code' });
    expect(judgeItem(link({ dealRelated: false, result: failed('DEAL_NOT_RELATED') })).kind).toBe('true');
  });

  it('an unlink CONFLICT is true only when the email was on another deal than expected', () => {
    expect(
      judgeItem(unlink({ expectedDealId: C, before: A, after: A, settled: A, result: failed('CONFLICT') })).kind,
    ).toBe('true');
    expect(
      judgeItem(unlink({ expectedDealId: A, before: A, after: A, settled: A, result: failed('CONFLICT') })),
    ).toMatchObject({ kind: 'untrue', what: 'code' });
  });

  it('a wrong state outranks a wrong code in the report', () => {
    expect(judgeItem(unlink({ after: null, settled: null, result: failed('NOT_FOUND') }))).toMatchObject({
      what: 'state',
    });
  });
});

describe('UNKNOWN claims nothing, and is counted', () => {
  it('is never untrue, whatever the email did, and says whether it changed', () => {
    expect(judgeItem(link({ after: B, settled: B, result: unknown }))).toEqual({
      kind: 'unknown',
      changed: true,
      reachedDesired: true,
    });
    expect(judgeItem(link({ result: unknown }))).toEqual({ kind: 'unknown', changed: false, reachedDesired: false });
  });

  it('reproduction 4 today: FAILED with code UNKNOWN_RESULT counts as UNKNOWN', () => {
    expect(judgeItem(link({ after: B, settled: B, result: failed('UNKNOWN_RESULT') }))).toMatchObject({
      kind: 'unknown',
      changed: true,
    });
  });

  it('an UNKNOWN move that claims restored: true is still held to it', () => {
    expect(
      judgeItem(move({ after: null, settled: null }, { ...unknown, restoreAttempted: true, restored: true })),
    ).toMatchObject({ kind: 'untrue' });
  });

  it('a status the schema does not have is untrue', () => {
    expect(judgeItem(link({ result: { ...ok, status: 'PARTIAL' } }))).toMatchObject({ kind: 'untrue', what: 'field' });
  });
});

describe("the payload's contract", () => {
  const sent = [
    { contactId: '1', messageId: 'a' },
    { contactId: '2', messageId: 'b' },
  ];
  const opts = { op: 'link' as const, unknownStatus: true, unknownCount: true };
  const good = {
    totalCount: 2,
    succeededCount: 1,
    failedCount: 0,
    unknownCount: 1,
    results: [
      { contactId: '1', messageId: 'a', status: 'SUCCEEDED', error: null },
      { contactId: '2', messageId: 'b', status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' } },
    ],
  };

  it('a result for every item, in input order, with counts that add up, passes', () => {
    expect(payloadViolations(sent, good, opts)).toEqual([]);
  });

  it('a missing result, a result out of order and wrong counts are each reported', () => {
    expect(payloadViolations(sent, { ...good, results: [good.results[0]!] }, opts)).toContain('1 results for 2 items');
    expect(payloadViolations(sent, { ...good, results: [...good.results].reverse() }, opts)[0]).toContain(
      'not the input item at 0',
    );
    expect(payloadViolations(sent, { ...good, succeededCount: 2 }, opts)).toEqual(['succeededCount 2']);
    expect(payloadViolations(sent, null, opts)).toEqual(['no results in the answer']);
  });

  it('an error exactly when not SUCCEEDED, and UNKNOWN only with UNKNOWN_RESULT', () => {
    const bad = {
      ...good,
      results: [
        { contactId: '1', messageId: 'a', status: 'SUCCEEDED', error: { code: 'NOT_FOUND' } },
        { contactId: '2', messageId: 'b', status: 'UNKNOWN', error: { code: 'RATE_LIMITED' } },
      ],
    };
    expect(payloadViolations(sent, bad, opts)).toEqual([
      'result 0 is SUCCEEDED with an error',
      'result 1 is UNKNOWN with code RATE_LIMITED',
    ]);
  });

  it('UNKNOWN before the schema has it is a violation; so is restored without a restore', () => {
    expect(payloadViolations(sent, good, { ...opts, unknownStatus: false, unknownCount: false })).toContain(
      'result 1 has status UNKNOWN',
    );
    const moved = {
      succeededCount: 1,
      failedCount: 0,
      results: [
        { contactId: '1', messageId: 'a', status: 'SUCCEEDED', error: null, restoreAttempted: false, restored: true },
      ],
    };
    expect(payloadViolations([sent[0]!], moved, { op: 'move', unknownStatus: true, unknownCount: false })).toEqual([
      'result 0 has restored without a restore',
    ]);
  });
});

describe('what must never reach a caller or a log', () => {
  it('finds stack frames, in text and escaped inside JSON, and stack fields', () => {
    expect(hasStackTrace('Error: boom\n    at linkOne (/work/src/services/links.ts:120:11)')).toBe(true);
    expect(hasStackTrace('{"msg":"x","err":"Error\\n    at file:///app/dist/main.js:3:9"}')).toBe(true);
    expect(hasStackTrace('{"stack":"..."}')).toBe(true);
    expect(hasStackTrace('{"message":"Zoho did not answer in time, after retries."}')).toBe(false);
    expect(hasStackTrace('linked at 10:15:00 to deal 12')).toBe(false);
  });

  it('names the secrets a text contains', () => {
    const secrets = new Map([
      ['the client secret', 'abcdef0123456789'],
      ['access token 1', '1000.tokentoken'],
    ]);
    expect(leakedSecrets('{"x":"abcdef0123456789"}', secrets)).toEqual(['the client secret']);
    expect(leakedSecrets('nothing here', secrets)).toEqual([]);
  });
});
