/**
 * Zoho's deal prediction for a received email (Kaizen #229, docs/zoho-notes.md §15), as a pure function.
 *
 * The rule, with the points Zoho leaves open settled as docs/zoho-notes.md §15 says:
 * - candidates are the contact's deals, as primary contact (`Contact_Name`) or through a contact
 *   role, that the eligibility reading allows: under 'open' (the default) a stage whose
 *   `forecast_type` is `Open`; under 'not_closed_lost' any stage but `Closed Lost`, so a Closed
 *   Won deal can win. The article supports both readings; docs/emulator.md argues the default;
 * - one candidate: it; several: the latest `Modified_Time`; a tie: the larger deal id;
 * - none: no link.
 *
 * The gateway implements the same rule on its own (emulator and client never share logic) and
 * tests compare the two.
 */
import type { ZohoForecastType } from '../../wire/index.ts';

/** The few facts about a deal that prediction looks at. */
export interface PredictionDeal {
  id: string;
  /** ISO 8601 with offset, as Zoho writes `Modified_Time`. */
  modifiedTime: string;
  /** The deal's `Stage` picklist value. */
  stage: string;
  /** `Contact_Name.id`, the primary contact. */
  primaryContactId: string | null;
  /** Contacts holding a contact role on the deal. */
  contactRoleIds: readonly string[];
}

/** Which deals may be chosen (the emulator's `predictionEligible` setting). */
export type EligibilityRule = 'open' | 'not_closed_lost';

export interface PredictionInput<D extends PredictionDeal = PredictionDeal> {
  contactId: string;
  /** Default 'open'. */
  eligible?: EligibilityRule;
  /** Any deals; those unrelated to the contact are ignored. */
  deals: readonly D[];
  /** Stage `actual_value` → its `forecast_type`, from the Stage picklist metadata. */
  forecastTypeOfStage: ReadonlyMap<string, ZohoForecastType | string>;
}

export type PredictionReason =
  'single_open_deal' | 'most_recently_modified' | 'tie_broken_by_larger_id' | 'no_open_deal';

export type Prediction<D extends PredictionDeal = PredictionDeal> =
  | { deal: D; reason: Exclude<PredictionReason, 'no_open_deal'>; candidates: D[] }
  | { deal: null; reason: 'no_open_deal'; candidates: D[] };

/** Whether the deal is tied to the contact as primary contact or through a contact role. */
export function isDealOfContact(deal: PredictionDeal, contactId: string): boolean {
  return deal.primaryContactId === contactId || deal.contactRoleIds.includes(contactId);
}

/**
 * Orders two numeric id strings as big integers. Zoho ids are 19 digits today, but a plain
 * string comparison would rank "99" above "100", so this never compares strings of different
 * length lexically.
 */
export function compareDealIds(a: string, b: string): number {
  const ai = toBigInt(a);
  const bi = toBigInt(b);
  if (ai !== null && bi !== null) return ai < bi ? -1 : ai > bi ? 1 : 0;
  // Non-numeric ids never occur in Zoho; keep the order total and deterministic anyway.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function toBigInt(s: string): bigint | null {
  return /^\d+$/.test(s) ? BigInt(s) : null;
}

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  // An unparseable time must lose against any real one, never crash prediction.
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Whether a stage of this forecast type may be chosen; a stage missing from the metadata never is. */
export function isEligibleForecastType(forecastType: string | undefined, rule: EligibilityRule = 'open'): boolean {
  if (forecastType === undefined) return false;
  return rule === 'open' ? forecastType === 'Open' : forecastType !== 'Closed Lost';
}

export function predictDeal<D extends PredictionDeal>(input: PredictionInput<D>): Prediction<D> {
  const rule = input.eligible ?? 'open';
  const candidates = input.deals.filter(
    (d) => isDealOfContact(d, input.contactId) && isEligibleForecastType(input.forecastTypeOfStage.get(d.stage), rule),
  );
  const [first, ...rest] = candidates;
  if (first === undefined) return { deal: null, reason: 'no_open_deal', candidates };
  if (rest.length === 0) return { deal: first, reason: 'single_open_deal', candidates };

  let best = first;
  for (const d of rest) {
    const dt = timeOf(d.modifiedTime);
    const bt = timeOf(best.modifiedTime);
    if (dt > bt || (dt === bt && compareDealIds(d.id, best.id) > 0)) best = d;
  }
  // The id only decided the outcome if another candidate shares the winner's time.
  const bestTime = timeOf(best.modifiedTime);
  const tieDecided = candidates.some((d) => d !== best && timeOf(d.modifiedTime) === bestTime);
  return { deal: best, reason: tieDecided ? 'tie_broken_by_larger_id' : 'most_recently_modified', candidates };
}
