/**
 * The link, unlink and move workflows over a fake Zoho (test/support/fake-zoho.ts) that scripts,
 * attempt by attempt, what Zoho did and what it answered, on a clock the test sets. Each case
 * checks the verdict against where the email really is.
 */
import { describe, expect, it } from 'vitest';
import { linkEmailsToDeal, moveEmailsToDeal, unlinkEmailsFromDeal } from '../../src/services/links.ts';
import { CONTACT, FakeZoho, OWNER, fakeContext } from '../support/fake-zoho.ts';

const P = '200000000000000001';
const T = '200000000000000002';
const M = 'aaaa1111';

function setUp(relink: 'replace' | 'reject' = 'replace', on: string | null = P) {
  const zoho = new FakeZoho({ relink });
  zoho.deals.add(P).add(T);
  zoho.links.set(M, on);
  return { zoho, ctx: fakeContext(zoho) };
}
const email = { contactId: CONTACT, messageId: M, ownerId: OWNER };

describe('link', () => {
  it('an answer lost after Zoho applied it, then refusals: read back, SUCCEEDED', async () => {
    const { zoho, ctx } = setUp();
    zoho.script('link', [
      { apply: true, answer: 500 },
      { apply: false, answer: 429 },
      { apply: false, answer: 429 },
    ]);
    const { results } = await linkEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]!.status).toBe('SUCCEEDED');
    expect(zoho.links.get(M)).toBe(T);
  });

  it('an answer lost before anything was applied, read back as it was: FAILED with the last code', async () => {
    const { zoho, ctx } = setUp();
    zoho.script('link', [
      { apply: false, answer: 500 },
      { apply: false, answer: 429, retried: true },
    ]);
    const { results } = await linkEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'FAILED', error: { code: 'RATE_LIMITED' } });
    expect(zoho.links.get(M)).toBe(P);
  });

  it('a timeout, read back as it was: UNKNOWN while it may still land, FAILED once the window has passed', async () => {
    const inside = setUp();
    inside.zoho.script('link', [
      { apply: false, answer: 'timeout' },
      { apply: false, answer: 503, retried: true },
    ]);
    expect((await linkEmailsToDeal(inside.ctx, { dealId: T, emails: [email] })).results[0]!.status).toBe('UNKNOWN');

    // The same history, judged more than a window after the unanswered attempt was sent.
    const after = setUp();
    after.zoho.script('link', [
      { apply: false, answer: 'timeout' },
      { apply: false, answer: 503, retried: true },
    ]);
    const ctx = { ...after.ctx, late: { now: () => after.zoho.now() + 61_000, windowMs: 60_000 } };
    expect((await linkEmailsToDeal(ctx, { dealId: T, emails: [email] })).results[0]).toMatchObject({
      status: 'FAILED',
      error: { code: 'UPSTREAM_UNAVAILABLE' },
    });
  });

  it('a lost answer and a read-back that fails: UNKNOWN, never SUCCEEDED nor FAILED', async () => {
    const { zoho, ctx } = setUp();
    zoho.script('link', [{ apply: true, answer: 500 }]);
    zoho.script('read', [{ apply: false, answer: 500 }]);
    const { results } = await linkEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' } });
  });

  it('an item of a batch Zoho refused whole for another item was never tried: sent again, and linked', async () => {
    const { zoho, ctx } = setUp();
    zoho.links.set('bbbb2222', P);
    // The whole batch refused (400), only the other item named.
    zoho.script('link', [{ apply: false, answer: 400, itemCode: 'INVALID_DATA', only: ['bbbb2222'] }]);
    const { results } = await linkEmailsToDeal(ctx, {
      dealId: T,
      emails: [email, { ...email, messageId: 'bbbb2222' }],
    });
    expect(results[0]!.status).toBe('SUCCEEDED');
    expect(results[1]).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND' } });
    expect(zoho.links.get(M)).toBe(T);
    expect(zoho.calls.filter((c) => c.kind === 'link')).toHaveLength(2);
  });
});

describe('unlink', () => {
  it('an unlink whose only answer was a reset after it applied: read back, SUCCEEDED', async () => {
    const { zoho, ctx } = setUp();
    zoho.script('unlink', [
      { apply: true, answer: 'reset' },
      { apply: false, answer: 401, retried: true },
    ]);
    const { results } = await unlinkEmailsFromDeal(ctx, { emails: [email] });
    expect(results[0]!.status).toBe('SUCCEEDED');
    expect(zoho.links.get(M)).toBeNull();
  });
});

describe('move', () => {
  it('in reject mode: unlink, then link; when the link fails, the email goes back and the result is FAILED, restored', async () => {
    const { zoho, ctx } = setUp('reject');
    // 1: link refused (ALREADY_USED, by the relink rule); unlink applied; 2: link refused; 3: restore applied.
    zoho.script('link', [
      { apply: true, answer: 200 },
      { apply: false, answer: 400 },
    ]);
    const { results } = await moveEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'FAILED', previousDealId: P, restoreAttempted: true, restored: true });
    expect(zoho.links.get(M)).toBe(P);
  });

  it('an unlink attempt that got no answer may still land and undo the new link: UNKNOWN until the window has passed', async () => {
    const { zoho, ctx } = setUp('reject');
    zoho.script('unlink', [
      { apply: false, answer: 'timeout' },
      { apply: true, answer: 200, retried: true },
    ]);
    const { results } = await moveEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'UNKNOWN', restored: null });
    expect(results[0]!.error!.message).toMatch(new RegExp(`linked to deal ${T} now`));
    expect(zoho.links.get(M)).toBe(T);
  });

  it('when the restore is refused because the link to the target landed after all, the move SUCCEEDED', async () => {
    const { zoho, ctx } = setUp('reject');
    // 1: refused by the relink rule; unlink ok; 2: applied, answer lost, read-back fails; 3: restore refused.
    zoho.script('link', [
      { apply: true, answer: 200 },
      { apply: true, answer: 500 },
      { apply: true, answer: 200 },
    ]);
    // The first read (where the email is) works; the read-back after the lost answer does not.
    zoho.script('read', [
      { apply: false, answer: 200 },
      { apply: false, answer: 500 },
    ]);
    const { results } = await moveEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'SUCCEEDED', restoreAttempted: true, restored: false });
    expect(zoho.links.get(M)).toBe(T);
  });

  it('when the link and the restore both fail, the email is on no deal: UNKNOWN, and the message says so', async () => {
    const { zoho, ctx } = setUp('reject');
    zoho.script('link', [
      { apply: true, answer: 200 },
      { apply: false, answer: 400 },
      { apply: false, answer: 400 },
    ]);
    const { results } = await moveEmailsToDeal(ctx, { dealId: T, emails: [email] });
    expect(results[0]).toMatchObject({ status: 'UNKNOWN', restoreAttempted: true, restored: null });
    expect(results[0]!.error!.message).toMatch(/The email is on no deal/);
    expect(zoho.links.get(M)).toBeNull();
  });

  it('where Zoho replaces links, one link call is the whole move', async () => {
    const { zoho, ctx } = setUp('replace');
    const { results } = await moveEmailsToDeal(ctx, { dealId: T, emails: [{ contactId: CONTACT, messageId: M }] });
    expect(results[0]).toMatchObject({ status: 'SUCCEEDED', previousDealId: P });
    expect(zoho.calls.map((c) => c.kind)).toEqual(['read', 'link']);
  });
});
