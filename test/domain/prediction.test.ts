import { describe, expect, it } from 'vitest';
import { compareIdsNumerically, predictDeal, type PredictableDeal } from '../../src/domain/prediction.ts';
import type { StageCategory } from '../../src/domain/stage.ts';

const stages = new Map<string, StageCategory>([
  ['Qualification', 'OPEN'],
  ['Negotiation/Review', 'OPEN'],
  ['Closed Won', 'CLOSED_WON'],
  ['Closed Lost', 'CLOSED_LOST'],
  ['Lost to Competition', 'CLOSED_LOST'],
]);
const deal = (id: string, stage: string | null, modifiedTime: string | null): PredictableDeal => ({
  id,
  stage,
  modifiedTime,
});
const predict = (deals: PredictableDeal[]) => predictDeal(deals, (d) => d, stages);

describe('deal prediction, the article rule read as NOT_CLOSED_LOST', () => {
  const notLost = (deals: PredictableDeal[]) => predictDeal(deals, (d) => d, stages, 'NOT_CLOSED_LOST');

  it('lets a won deal win when it is the most recently modified of the deals not lost', () => {
    const p = notLost([
      deal('1', 'Closed Won', '2026-03-01T00:00:00+00:00'),
      deal('2', 'Qualification', '2025-01-01T00:00:00+00:00'),
      deal('3', 'Closed Lost', '2026-04-01T00:00:00+00:00'),
    ]);
    expect([p.deal?.id, p.reason, p.rule]).toEqual(['1', 'MOST_RECENTLY_MODIFIED', 'NOT_CLOSED_LOST']);
    expect(p.candidates.map((c) => [c.deal.id, c.stageCategory, c.eligible])).toEqual([
      ['1', 'CLOSED_WON', true],
      ['2', 'OPEN', true],
      ['3', 'CLOSED_LOST', false],
    ]);
  });

  it('links a contact whose only deal not lost is won', () => {
    const p = notLost([deal('1', 'Closed Won', null), deal('2', 'Lost to Competition', null)]);
    expect([p.deal?.id, p.reason]).toEqual(['1', 'SINGLE_OPEN_DEAL']);
  });

  it('never chooses a lost deal or one whose stage is not in the metadata', () => {
    const p = notLost([deal('1', 'Lost to Competition', null), deal('2', 'Renamed stage', null)]);
    expect(p).toMatchObject({ deal: null, reason: 'NO_OPEN_DEAL', rule: 'NOT_CLOSED_LOST' });
  });

  it('breaks a tie between an open and a won deal with the larger id', () => {
    const at = '2026-02-01T09:00:00+00:00';
    const p = notLost([deal('100', 'Qualification', at), deal('99', 'Closed Won', at), deal('101', 'Closed Lost', at)]);
    expect(p.deal?.id).toBe('100');
  });
});

describe('deal prediction, the article rule', () => {
  it('links to the only open deal, whatever the closed ones', () => {
    const p = predict([
      deal('1', 'Closed Won', '2026-03-01T00:00:00+00:00'),
      deal('2', 'Qualification', '2025-01-01T00:00:00+00:00'),
      deal('3', 'Closed Lost', '2026-04-01T00:00:00+00:00'),
    ]);
    expect(p.deal?.id).toBe('2');
    expect(p.reason).toBe('SINGLE_OPEN_DEAL');
    expect(p.candidates.map((c) => [c.deal.id, c.stageCategory, c.eligible])).toEqual([
      ['2', 'OPEN', true],
      ['3', 'CLOSED_LOST', false],
      ['1', 'CLOSED_WON', false],
    ]);
  });

  it('among several open deals, the most recently modified wins, comparing instants across offsets', () => {
    const p = predict([
      deal('10', 'Qualification', '2026-01-12T12:00:00-05:00'), // 17:00Z
      deal('11', 'Negotiation/Review', '2026-01-12T18:00:00+02:00'), // 16:00Z: later text, earlier instant
    ]);
    expect(p.deal?.id).toBe('10');
    expect(p.reason).toBe('MOST_RECENTLY_MODIFIED');
  });

  it('breaks a tie on Modified_Time with the larger id, compared as a number', () => {
    const at = '2026-02-01T09:00:00+00:00';
    const p = predict([deal('99', 'Qualification', at), deal('100', 'Qualification', at)]);
    expect(p.deal?.id).toBe('100');
    expect(p.reason).toBe('MOST_RECENTLY_MODIFIED');
  });

  it('links to nothing when no deal is open, and still lists what it considered', () => {
    const p = predict([
      deal('1', 'Closed Won', null),
      deal('2', 'Lost to Competition', null),
      deal('3', 'Renamed stage', null),
    ]);
    expect(p).toMatchObject({ deal: null, reason: 'NO_OPEN_DEAL' });
    expect(p.candidates.find((c) => c.deal.id === '3')).toMatchObject({ stageCategory: null, eligible: false });
  });

  it('links to nothing for a contact with no deals', () => {
    expect(predict([])).toEqual({ deal: null, reason: 'NO_OPEN_DEAL', rule: 'OPEN', candidates: [] });
  });

  it('ranks a deal with no readable Modified_Time below any dated one', () => {
    const p = predict([deal('5', 'Qualification', 'not a date'), deal('4', 'Qualification', '2020-01-01T00:00:00Z')]);
    expect(p.deal?.id).toBe('4');
  });

  it('says which rule it applied', () => {
    expect(predict([deal('1', 'Qualification', null)]).rule).toBe('OPEN');
    expect(predictDeal([deal('1', 'Qualification', null)], (d) => d, stages, 'NOT_CLOSED_LOST').rule).toBe(
      'NOT_CLOSED_LOST',
    );
  });

  it('orders ids as numbers', () => {
    expect(compareIdsNumerically('99', '100')).toBeLessThan(0);
    expect(compareIdsNumerically('5843104000004382122', '5843104000004382122')).toBe(0);
  });
});
