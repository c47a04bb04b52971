/**
 * Link and unlink emails to deals (docs/zoho-notes.md §5 Link Deal to Emails, §6 Unlink Deal
 * from Emails). One outcome per input item, in input order, whatever Zoho answers, and never a throw:
 * per-item errors are matched by their `json_path` index, a whole-call error applies to every
 * item, and an item's outcome weighs every attempt of its call, not only the last one.
 *
 * Both calls are idempotent in effect (re-linking to the same deal, unlinking an unlinked email),
 * so the transport retries them after a 5xx, a timeout or a reset.
 */
import type { ZohoLinkItem, ZohoLinkResponse } from '../../wire/index.ts';
import { attemptMayHaveApplied, latestUnanswered } from '../classify.ts';
import {
  ZohoError,
  errorFromResponse,
  invalidResponseError,
  isErrorEnvelope,
  isObj,
  unknownResultError,
  type AttemptRecord,
  type ZohoCall,
} from '../errors.ts';
import { assertLinkItems, assertUnlinkIds, assertZohoId } from '../limits.ts';
import type { ZohoRequester, ZohoResponse } from '../types.ts';

/**
 * What one email's link or unlink came to, across every attempt of its call:
 * - `applied`: Zoho said it did it;
 * - `refused`: no attempt can have applied it: Zoho refused it (`error`), or, `collateral`, Zoho
 *   refused the whole batch for other items and never tried this one (safe to send again);
 * - `unclear`: some attempt may have applied it (a 5xx, a timeout, a reset, an unreadable 2xx, an
 *   item a 2xx left out), and no answer says it was: only reading the email back can tell.
 *
 * `unansweredAt`: when the latest attempt that got no HTTP answer was sent. Such an attempt may
 * still be at work inside Zoho, and land later (within the late-write window).
 */
export type LinkItemOutcome =
  | { kind: 'applied'; messageId: string; unansweredAt: number | null }
  | { kind: 'refused'; messageId: string; error: ZohoError; collateral: boolean }
  | { kind: 'unclear'; messageId: string; error: ZohoError; unansweredAt: number | null };

const LINK_ROUTE = '/Contacts/{id}/Emails/actions/link_record';

/** `Emails[3].message_id`, `$.Emails[3]`, `message_ids[3]` → 3. */
export function jsonPathIndex(path: unknown): number | undefined {
  if (typeof path !== 'string') return undefined;
  const m = /^(?:\$\.)?(?:Emails|message_ids|data)\[(\d+)\]/.exec(path.trim());
  return m ? Number(m[1]) : undefined;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** One answer's word on one item: done, refused (with why), or not mentioned. */
export type ItemAnswer = { ok: true } | { ok: false; error: ZohoError } | { ok: null; error: ZohoError };

function itemError(errors: Obj[], status: number, call: ZohoCall | null): ZohoError {
  const [first] = errors as [Obj, ...Obj[]];
  const code = String(first.code);
  const details: Record<string, unknown> = isObj(first.details) ? { ...first.details } : {};
  if (errors.length > 1) {
    details.errors = errors.map((e) => ({ code: e.code, message: e.message, details: e.details }));
  }
  return new ZohoError({
    kind: 'item',
    code,
    message: str(first.message) ?? code,
    status,
    details,
    call,
    fromZoho: true,
  });
}

/**
 * Each item's answer in one link/unlink response (200, 207 or 400):
 * - errors are matched to inputs by the index in their `json_path` (`Emails[3]…`,
 *   `message_ids[3]`), never by their position in the array (an atomic 400 lists only the bad
 *   items); position is used only when no path is given and the array has one entry per input;
 * - successes are matched by `details.message_id`;
 * - a single error envelope applies to every item;
 * - an item the answer does not mention is `ok: null`: maybe applied in a 2xx, never tried in a 4xx.
 */
export function readItemAnswers(input: {
  status: number;
  json: unknown;
  text?: string | null;
  messageIds: readonly string[];
  call: ZohoCall | null;
}): ItemAnswer[] {
  const { status, json, messageIds, call } = input;
  const n = messageIds.length;
  const fillAll = (error: ZohoError): ItemAnswer[] => messageIds.map(() => ({ ok: false, error }));

  if (json === undefined) {
    if (status >= 400) return fillAll(errorFromResponse({ status, text: input.text ?? '', call }));
    if (input.text != null && input.text.trim() !== '') return fillAll(invalidResponseError(status, call, input.text));
    const e = unknownResultError(call, status, `HTTP ${status} with no body`);
    return messageIds.map(() => ({ ok: null, error: e }));
  }
  const items = isObj(json) ? json.Emails : undefined;
  if (!Array.isArray(items)) {
    if (status >= 400 || isErrorEnvelope(json)) return fillAll(errorFromResponse({ status, json, call }));
    return fillAll(invalidResponseError(status, call, input.text));
  }

  const out: Array<ItemAnswer | undefined> = new Array(n).fill(undefined);
  const byMessageId = new Map<string, number[]>();
  messageIds.forEach((id, i) => byMessageId.set(id, [...(byMessageId.get(id) ?? []), i]));
  const positional = items.length === n;

  items.forEach((entry, pos) => {
    const errors = Array.isArray(entry) ? entry.filter(isErrorEnvelope) : isErrorEnvelope(entry) ? [entry] : [];
    if (errors.length > 0) {
      const fromPath = errors
        .map((e) => jsonPathIndex(isObj(e.details) ? e.details.json_path : undefined))
        .find((i) => i !== undefined);
      const idx = fromPath ?? (positional ? pos : undefined);
      if (idx !== undefined && idx < n && out[idx] === undefined) {
        out[idx] = { ok: false, error: itemError(errors as Obj[], status, call) };
      }
      return;
    }
    if (isObj(entry) && (entry.status === 'success' || entry.code === 'SUCCESS')) {
      const mid = isObj(entry.details) ? str(entry.details.message_id) : undefined;
      const targets = mid !== undefined ? byMessageId.get(mid) : positional ? [pos] : undefined;
      for (const idx of targets ?? []) {
        if (out[idx] === undefined) out[idx] = { ok: true };
      }
    }
  });

  const missing = unknownResultError(call, status, 'item missing from the response');
  return out.map((o) => o ?? { ok: null, error: missing });
}

/**
 * One item's outcome from its call's history and the last word on it: the final answer's, or the
 * error that ended the call.
 */
export function foldItem(
  messageId: string,
  history: readonly AttemptRecord[],
  last: ItemAnswer | ZohoError,
): LinkItemOutcome {
  const unansweredAt = latestUnanswered(history);
  if (last instanceof ZohoError) {
    // The call failed as a whole: its every attempt, the last included, is in `history`.
    return history.some(attemptMayHaveApplied)
      ? { kind: 'unclear', messageId, error: last, unansweredAt }
      : { kind: 'refused', messageId, error: last, collateral: false };
  }
  if (last.ok === true) return { kind: 'applied', messageId, unansweredAt };
  // The final answer was read; the attempts before it decide whether a refusal now is the truth.
  const earlier = history.slice(0, -1).some(attemptMayHaveApplied);
  const finalStatus = history.at(-1)?.status ?? 0;
  if (last.ok === null && finalStatus < 400) return { kind: 'unclear', messageId, error: last.error, unansweredAt };
  if (earlier) return { kind: 'unclear', messageId, error: last.error, unansweredAt };
  return { kind: 'refused', messageId, error: last.error, collateral: last.ok === null };
}

async function outcomes(
  messageIds: readonly string[],
  send: () => Promise<ZohoResponse<ZohoLinkResponse>>,
): Promise<LinkItemOutcome[]> {
  let res: ZohoResponse<ZohoLinkResponse>;
  try {
    res = await send();
  } catch (e) {
    if (!(e instanceof ZohoError)) throw e;
    return messageIds.map((messageId) => foldItem(messageId, e.history, e));
  }
  const answers = readItemAnswers({ status: res.status, json: res.data, text: res.text, messageIds, call: res.call });
  return messageIds.map((messageId, i) => foldItem(messageId, res.history, answers[i]!));
}

/**
 * `POST /Contacts/{id}/Emails/actions/link_record` with at most 20 items (chunkLinkItems), each
 * with its own `message_id`, `owner.id` and `linked_record`.
 */
export async function linkEmails(
  c: ZohoRequester,
  contactId: string,
  items: readonly ZohoLinkItem[],
  /** A restore: the truth of a reported result depends on it (ZohoRequest.essential). */
  opts: { essential?: boolean } = {},
): Promise<LinkItemOutcome[]> {
  assertZohoId('contact id', contactId);
  assertLinkItems(items);
  const messageIds = items.map((i) => i.message_id!);
  return outcomes(messageIds, () =>
    c.request<ZohoLinkResponse>({
      method: 'POST',
      route: LINK_ROUTE,
      params: { id: contactId },
      body: { Emails: [...items] },
      idempotent: true,
      acceptStatus: [400],
      ...(opts.essential ? { essential: true } : {}),
    }),
  );
}

/**
 * `DELETE /Contacts/{id}/Emails/actions/link_record?owner_id=…&message_ids=…`: one owner per
 * call, at most 20 ids in at most 2000 characters (chunkUnlinkIds). No body.
 */
export async function unlinkEmails(
  c: ZohoRequester,
  contactId: string,
  ownerId: string,
  messageIds: readonly string[],
): Promise<LinkItemOutcome[]> {
  assertZohoId('contact id', contactId);
  assertUnlinkIds(ownerId, messageIds);
  return outcomes(messageIds, () =>
    c.request<ZohoLinkResponse>({
      method: 'DELETE',
      route: LINK_ROUTE,
      params: { id: contactId },
      query: { owner_id: ownerId, message_ids: messageIds.join(',') },
      idempotent: true,
      acceptStatus: [400],
    }),
  );
}
