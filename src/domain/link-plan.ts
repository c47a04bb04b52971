/**
 * Plans a bulk link, unlink or move before any call is made: checks ids against Zoho's formats,
 * folds duplicate items into one, and remembers which input positions each one answers.
 */
import { MESSAGE_ID_RULE, ZOHO_ID_RULE, isZohoMessageId, isZohoRecordId } from './ids.ts';

/** The most items one mutation takes; beyond it the whole request is refused. */
export const MAX_ITEMS_PER_MUTATION = 500;

export type EmailRef = { contactId: string; messageId: string; ownerId?: string | null };

export type PlannedEmail = {
  contactId: string;
  messageId: string;
  /** The first owner id given for this email among its duplicates, if any. */
  ownerId: string | null;
  /** The input positions this email answers (more than one when the caller repeated it). */
  positions: number[];
};

export type InputProblem = { position: number; field: string; message: string };

export type EmailPlan = { emails: PlannedEmail[]; problems: InputProblem[] };

export function emailKey(contactId: string, messageId: string): string {
  return `${contactId}:${messageId}`;
}

export function planEmails(refs: readonly EmailRef[]): EmailPlan {
  const byKey = new Map<string, PlannedEmail>();
  const problems: InputProblem[] = [];
  refs.forEach((ref, position) => {
    const problem = checkRef(ref, position);
    if (problem) {
      problems.push(problem);
      return;
    }
    const key = emailKey(ref.contactId, ref.messageId);
    const seen = byKey.get(key);
    if (seen) {
      seen.positions.push(position);
      seen.ownerId ??= ref.ownerId ?? null;
    } else {
      byKey.set(key, {
        contactId: ref.contactId,
        messageId: ref.messageId,
        ownerId: ref.ownerId ?? null,
        positions: [position],
      });
    }
  });
  return { emails: [...byKey.values()], problems };
}

function checkRef(ref: EmailRef, position: number): InputProblem | null {
  const at = `emails[${position}]`;
  if (!isZohoRecordId(ref.contactId)) {
    return {
      position,
      field: `${at}.contactId`,
      message: `"${clip(ref.contactId)}" is not a Zoho record id (${ZOHO_ID_RULE}).`,
    };
  }
  if (!isZohoMessageId(ref.messageId)) {
    return {
      position,
      field: `${at}.messageId`,
      message: `"${clip(ref.messageId)}" is not a Zoho message id (${MESSAGE_ID_RULE}).`,
    };
  }
  if (ref.ownerId != null && !isZohoRecordId(ref.ownerId)) {
    return {
      position,
      field: `${at}.ownerId`,
      message: `"${clip(ref.ownerId)}" is not a Zoho user id (${ZOHO_ID_RULE}).`,
    };
  }
  return null;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Groups items by a key, keeping first-seen order of keys and of items. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
