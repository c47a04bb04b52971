/**
 * Zoho's deal prediction for a received email (Kaizen #229; zoho-api.md §11), applied to a
 * contact's deals as they are now, so that a client can see which deal the next incoming email
 * would be linked to, and why.
 *
 * The rule, with what Zoho leaves open settled as zoho-api.md §11 suggests:
 * - eligible deals are the contact's deals (primary contact or contact role, as Zoho's related
 *   list holds them) whose stage is OPEN by the Stage metadata's `forecast_type`;
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
        eligible: stageCategory === 'OPEN',
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
  if (eligibleCount === 0) return { deal: null, reason: 'NO_OPEN_DEAL', candidates };
  return {
    deal: ranked[0]!.deal,
    reason: eligibleCount === 1 ? 'SINGLE_OPEN_DEAL' : 'MOST_RECENTLY_MODIFIED',
    candidates,
  };
}
