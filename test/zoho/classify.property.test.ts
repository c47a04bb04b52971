/**
 * Properties of the classifier and of the settle rules, over every combination fast-check can
 * find: whatever Zoho does with each attempt of a write (applies it or not, answers, fails, or
 * never answers and applies it later), and whether reading the email back works, the verdict is
 * true: SUCCEEDED only if the email ends as asked, FAILED only if it ends as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyParts } from '../../src/zoho/classify.ts';
import { ZohoError, type AttemptPhase, type AttemptRecord, type ZohoErrorKind } from '../../src/zoho/errors.ts';
import { foldItem } from '../../src/zoho/api/links.ts';
import { settleWrite, type LinkState } from '../../src/services/settle.ts';

const KINDS: ZohoErrorKind[] = [
  'unavailable',
  'timeout',
  'network',
  'rate_limited',
  'credits_exhausted',
  'auth',
  'forbidden',
  'rejected',
  'item',
  'unknown_result',
  'invalid_response',
  'token_mint',
  'caller',
  'deadline',
];
const PHASES: AttemptPhase[] = ['not_sent', 'no_answer', 'answered'];
const REFUSALS: ZohoErrorKind[] = ['rate_limited', 'credits_exhausted', 'auth', 'forbidden', 'rejected', 'item'];

describe('the classifier', () => {
  it('never lets an attempt that was not sent count as applied, or as able to land', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), (kind) => {
        const c = classifyParts(kind, 'not_sent');
        expect(c.mayHaveApplied).toBe(false);
        expect(c.canStillLand).toBe(false);
      }),
    );
  });

  it('only an attempt with no answer can still land, and a 4xx refusal is never applied nor retried blindly', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.constantFrom(...PHASES), (kind, phase) => {
        const c = classifyParts(kind, phase);
        if (c.canStillLand) expect(phase).toBe('no_answer');
        if (REFUSALS.includes(kind)) expect(c.mayHaveApplied).toBe(false);
        // What may have been applied is retried only for calls idempotent in effect.
        if (c.mayHaveApplied) expect(c.retry).not.toBe('always');
      }),
    );
  });
});

/** What Zoho did with one attempt of a link, and what it answered. */
type Step =
  | { answer: 'success' }
  | { answer: 'item_refused' | 'rate_limited' | 'auth' | 'not_sent' }
  | { answer: '5xx'; applied: boolean }
  | { answer: 'timeout' | 'reset'; applied: 'no' | 'now' | 'later' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ answer: 'success' }),
  fc.constantFrom<Step>(
    { answer: 'item_refused' },
    { answer: 'rate_limited' },
    { answer: 'auth' },
    { answer: 'not_sent' },
  ),
  fc.boolean().map<Step>((applied) => ({ answer: '5xx', applied })),
  fc.record({
    answer: fc.constantFrom('timeout' as const, 'reset' as const),
    applied: fc.constantFrom('no' as const, 'now' as const, 'later' as const),
  }),
);

const TARGET = '222';
const OLD = '111';

function record(s: Step, i: number): AttemptRecord {
  const sentAt = 1_000 + i;
  switch (s.answer) {
    case 'success':
    case 'item_refused':
      return { kind: 'ok', phase: 'answered', status: s.answer === 'success' ? 200 : 400, code: null, sentAt };
    case 'rate_limited':
      return { kind: 'rate_limited', phase: 'answered', status: 429, code: 'TOO_MANY_REQUESTS', sentAt };
    case 'auth':
      return { kind: 'auth', phase: 'answered', status: 401, code: 'INVALID_TOKEN', sentAt };
    case 'not_sent':
      return { kind: 'network', phase: 'not_sent', status: null, code: 'NETWORK_ERROR', sentAt: null };
    case '5xx':
      return { kind: 'unavailable', phase: 'answered', status: 500, code: 'INTERNAL_ERROR', sentAt };
    case 'timeout':
      return { kind: 'timeout', phase: 'no_answer', status: null, code: 'TIMEOUT', sentAt };
    case 'reset':
      return { kind: 'network', phase: 'no_answer', status: null, code: 'NETWORK_ERROR', sentAt };
  }
}

const errorOf = (r: AttemptRecord): ZohoError =>
  new ZohoError({
    kind: r.kind === 'ok' ? 'item' : r.kind,
    code: r.code ?? 'INVALID_DATA',
    message: 'x',
    status: r.status,
    phase: r.phase,
  });

describe('the settle rules', () => {
  it('never report SUCCEEDED unless the email ends on the deal, nor FAILED unless it ends as it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (steps, readBackWorks, windowPassed) => {
          // The call ends at its first answer read as a whole (success or item refusal), or at its last attempt.
          const end = steps.findIndex((s) => s.answer === 'success' || s.answer === 'item_refused');
          const attempts = end === -1 ? steps : steps.slice(0, end + 1);
          const history = attempts.map(record);
          const last = attempts.at(-1)!;
          const applied = (s: Step) =>
            s.answer === 'success' || ('applied' in s && (s.applied === true || s.applied === 'now'));
          const appliedLater = (s: Step) => 'applied' in s && s.applied === 'later';
          const eventually: LinkState = attempts.some((s) => applied(s) || appliedLater(s)) ? TARGET : OLD;
          // Past the late-write window, whatever was on its way has landed before the read-back.
          let state: LinkState = windowPassed ? eventually : attempts.some(applied) ? TARGET : OLD;

          const lastWord =
            last.answer === 'success'
              ? ({ ok: true } as const)
              : last.answer === 'item_refused'
                ? ({ ok: false, error: errorOf(history.at(-1)!) } as const)
                : errorOf(history.at(-1)!);
          const outcome = foldItem('m1', history, lastWord);
          const verdict = await settleWrite({
            write: async () => outcome,
            readBack: async () => {
              if (!readBackWorks) throw new Error('read failed');
              return state;
            },
            desired: (s) => s === TARGET,
            old: (s) => s !== TARGET && s !== 'gone',
            late: { now: () => (windowPassed ? 1_000_000 : 2_000), windowMs: 60_000 },
          });
          // Whatever was still on its way lands now.
          state = eventually;
          if (verdict.kind === 'done') expect(state).toBe(TARGET);
          if (verdict.kind === 'not_done') expect(state).toBe(OLD);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
