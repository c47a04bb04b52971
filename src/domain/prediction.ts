/**
 * Zoho's deal prediction for a received email (Kaizen #229; docs/zoho-notes.md §15), applied to a
 * contact's deals as they are now, so that a client can see which deal the next incoming email
 * would be linked to, and why.
 *
 * The rule, with what Zoho leaves open settled as docs/zoho-notes.md §15 says:
 * - eligible deals are the contact's deals (primary contact or contact role, as Zoho's related
 *   list holds them) whose stage, by the Stage metadata's `forecast_type`, the eligibility rule
 *   allows. The article ("the most recently modified deal, provided the deal is not closed-lost")
 *   reads two ways, so the rule is a setting (ZOHO_PREDICTION_ELIGIBLE): OPEN, the default, takes
 *   Open stages only; NOT_CLOSED_LOST takes every stage but Closed Lost, Closed Won included.
 *   A stage missing from the metadata is never eligible;
 * - one eligible deal: it (SINGLE_OPEN_DEAL);
 * - several: the latest `Modified_Time`, a tie going to the larger deal id compared as a number
 *   (MOST_RECENTLY_MODIFIED);
 * - none: no deal (NO_OPEN_DEAL).
 *
 * Written independently of the emulator's rule (src/emulator/domain/prediction.ts): a test holds
 * the two against each other over the whole demo org.
 */
import type { StageCategory } from './stage.ts';

export type PredictionReason = 'SINGLE_OPEN_DEAL' | 'MOST_RECENTLY_MODIFIED' | 'NO_OPEN_DEAL';

/** Which deals prediction may choose (the gateway's ZOHO_PREDICTION_ELIGIBLE). */
export type PredictionRule = 'OPEN' | 'NOT_CLOSED_LOST';
export const DEFAULT_PREDICTION_RULE: PredictionRule = 'OPEN';

/** Whether a deal whose stage has this category may be chosen under the rule. */
export function isEligible(category: StageCategory | null, rule: PredictionRule): boolean {
  if (category === null) return false;
  return rule === 'OPEN' ? category === 'OPEN' : category !== 'CLOSED_LOST';
}

/** What prediction looks at in a deal. */
export type PredictableDeal = { id: string; stage: string | null; modifiedTime: string | null };

export type PredictionCandidate<D> = {
  deal: D;
  /** Null when the deal's stage is not in the Stage metadata (it is then not eligible). */
  stageCategory: StageCategory | null;
  modifiedTime: string | null;
  eligible: boolean;
};

export type DealPrediction<D> = {
  deal: D | null;
  reason: PredictionReason;
  /** The eligibility rule this prediction applied. */
  rule: PredictionRule;
  /** Every deal of the contact, in the order the rule ranks them: eligible first, then newest, then larger id. */
  candidates: Array<PredictionCandidate<D>>;
};

/** An instant to compare; a missing or unreadable time ranks below every real one. */
function instant(iso: string | null): number {
  if (iso === null) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Compares Zoho ids as numbers: as strings, "99" would outrank "100". */
export function compareIdsNumerically(a: string, b: string): number {
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function predictDeal<D>(
  deals: readonly D[],
  facts: (deal: D) => PredictableDeal,
  categories: ReadonlyMap<string, StageCategory>,
  rule: PredictionRule = DEFAULT_PREDICTION_RULE,
): DealPrediction<D> {
  const ranked = deals
    .map((deal) => {
      const f = facts(deal);
      const stageCategory = f.stage === null ? null : (categories.get(f.stage) ?? null);
      return {
        deal,
        id: f.id,
        at: instant(f.modifiedTime),
        stageCategory,
        modifiedTime: f.modifiedTime,
        eligible: isEligible(stageCategory, rule),
      };
    })
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.at - a.at || compareIdsNumerically(b.id, a.id));
  const candidates = ranked.map(({ deal, stageCategory, modifiedTime, eligible }) => ({
    deal,
    stageCategory,
    modifiedTime,
    eligible,
  }));
  const eligibleCount = ranked.filter((c) => c.eligible).length;
  if (eligibleCount === 0) return { deal: null, reason: 'NO_OPEN_DEAL', rule, candidates };
  return {
    deal: ranked[0]!.deal,
    reason: eligibleCount === 1 ? 'SINGLE_OPEN_DEAL' : 'MOST_RECENTLY_MODIFIED',
    rule,
    candidates,
  };
}
