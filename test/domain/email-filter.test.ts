import { describe, expect, it } from 'vitest';
import { emailFilterPredicate, InvalidFilterError } from '../../src/domain/email-filter.ts';

const onDeal = (id: string | null) => ({ linked_record: id ? { id } : null });

describe('email filters by deal link', () => {
  it('keeps everything without a filter', () => {
    expect(emailFilterPredicate(null)).toBeNull();
    expect(emailFilterPredicate({})).toBeNull();
  });

  it('linked: false keeps the emails on no deal; linked: true those on any deal', () => {
    const unlinked = emailFilterPredicate({ linked: false })!;
    const linked = emailFilterPredicate({ linked: true })!;
    expect([unlinked(onDeal(null)), unlinked(onDeal('1'))]).toEqual([true, false]);
    expect([linked(onDeal(null)), linked(onDeal('1'))]).toEqual([false, true]);
  });

  it('dealId keeps the emails on that deal only', () => {
    const p = emailFilterPredicate({ dealId: '42', linked: true })!;
    expect([p(onDeal('42')), p(onDeal('43')), p(onDeal(null))]).toEqual([true, false, false]);
  });

  it('refuses a contradiction and a malformed deal id', () => {
    expect(() => emailFilterPredicate({ dealId: '42', linked: false })).toThrow(InvalidFilterError);
    expect(() => emailFilterPredicate({ dealId: 'abc' })).toThrow(/not a Zoho deal id/);
  });
});
