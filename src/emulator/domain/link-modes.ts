/**
 * The emulator's two switchable link behaviours (`PUT /__emulator/config`), applied to a plan
 * from domain/links.ts before anything is written:
 * - relinkMode 'reject': linking an email already linked to ANOTHER deal fails for that item
 *   with ALREADY_USED (a code Zoho uses elsewhere; CONTRACT.md), instead of replacing the link.
 *   Relinking to the same deal stays a success, so retries remain safe.
 * - batchMode 'atomic': a batch with any bad item is refused whole with a 400 that lists only
 *   the bad items (their json_paths keep the original indexes), and nothing is applied.
 */
import type { ZohoItemError, ZohoLinkItemResult } from '../../wire/index.ts';
import { batchAnswer, type ItemPlan } from './links.ts';

export type RelinkMode = 'replace' | 'reject';
export type BatchMode = 'partial' | 'atomic';

export function alreadyUsed(jsonPath: string): ZohoItemError {
  return {
    status: 'error',
    code: 'ALREADY_USED',
    message: 'the email is already linked with another deal',
    details: { api_name: 'message_id', json_path: jsonPath },
  };
}

/** Turns relinks into ALREADY_USED errors under 'reject'; `single` is the message-id-in-path form. */
export function applyRelinkMode(plans: readonly ItemPlan[], mode: RelinkMode, single: boolean): ItemPlan[] {
  if (mode === 'replace') return [...plans];
  return plans.map((p, i) => {
    if (!p.ok || p.dealId === null || p.previousDealId === null || p.previousDealId === p.dealId) return p;
    return {
      ok: false,
      messageId: p.messageId,
      errors: [alreadyUsed(single ? 'message_id' : `Emails[${i}].message_id`)],
    };
  });
}

export interface ModeAnswer {
  status: 200 | 207 | 400;
  body: { Emails: ZohoLinkItemResult[] };
  /** Whether the good items are to be written. */
  apply: boolean;
}

/** Zoho's batch answer under the batch mode. */
export function batchModeAnswer(plans: readonly ItemPlan[], mode: BatchMode, successMessage: string): ModeAnswer {
  const bad = plans.filter((p): p is Extract<ItemPlan, { ok: false }> => !p.ok);
  if (mode === 'atomic' && bad.length > 0) {
    return { status: 400, body: { Emails: bad.map((p) => p.errors) }, apply: false };
  }
  return { ...batchAnswer(plans, successMessage), apply: true };
}
