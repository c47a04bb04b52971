/**
 * Associate Email (docs/zoho-notes.md §10): files an email (one per call) under a record.
 *
 * It is never blindly retried: a write whose answer was lost may have been applied. After a
 * 5xx, a timeout or a reset we ask `GET /actions/email_available?orginal_message_id=` (Zoho's
 * spelling) whether the email now exists; only when it does not is the call sent once more, which
 * is safe because Zoho de-duplicates on the original Message-ID (DUPLICATE_DATA). A DUPLICATE_DATA
 * answer means the email was already there; it is resolved the same way, so the caller learns the
 * Zoho message id.
 */
import type { ZohoAssociateEmail, ZohoAssociateResponse, ZohoEmailAvailable } from '../../wire/index.ts';
import { attemptMayHaveApplied, latestUnanswered } from '../classify.ts';
import { ZohoError, emptyResponseError, invalidResponseError, isObj, type AttemptRecord } from '../errors.ts';
import { assertModule, assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

/**
 * What an associate came to:
 * - `filed`: the email is in Zoho, filed now or found there (`alreadyExisted`);
 * - `refused`: Zoho refused it and nothing was filed, or a read-back showed nothing was and no
 *   attempt can still land;
 * - `unclear`: it may have been filed, and Zoho's answers and read-backs do not tell.
 */
export type AssociateOutcome =
  | {
      kind: 'filed';
      /** Zoho's message id of the email (not the original Message-ID header), when Zoho told it. */
      messageId: string | null;
      /** True when the email was in Zoho before this call (DUPLICATE_DATA on the first attempt). */
      alreadyExisted: boolean;
      /** How the result was learnt. */
      resolvedBy: 'response' | 'duplicate' | 'email_available';
      /** Where Zoho says the email is, when that was looked up. */
      available?: ZohoEmailAvailable | null;
    }
  | { kind: 'refused'; error: ZohoError }
  | { kind: 'unclear'; error: ZohoError; unansweredAt: number | null };

export type FiledEmail = Extract<AssociateOutcome, { kind: 'filed' }>;

/**
 * `GET /actions/email_available?orginal_message_id=…`: where an email with this Message-ID is, or
 * null when Zoho has none (204, or `available: false`).
 */
export async function emailAvailable(c: ZohoRequester, originalMessageId: string): Promise<ZohoEmailAvailable | null> {
  if (!originalMessageId) throw new RangeError('original message id is required');
  const res = await c.request<unknown>({
    method: 'GET',
    route: '/actions/email_available',
    query: { orginal_message_id: originalMessageId },
  });
  let body = res.data;
  // Tolerate the `{"Emails":[…]}` wrapping the other email APIs use.
  if (isObj(body) && Array.isArray(body.Emails)) body = body.Emails[0];
  if (!isObj(body) || body.available !== true) return null;
  return body as unknown as ZohoEmailAvailable;
}

/** The message id in an email_available answer, wherever this Zoho puts it. */
function messageIdOf(a: ZohoEmailAvailable | null): string | null {
  if (!a) return null;
  const o = a as unknown as Record<string, unknown>;
  const rec = isObj(o.record) ? o.record : {};
  for (const v of [o.message_id, rec.message_id]) if (typeof v === 'string' && v) return v;
  return null;
}

export async function associateEmail(
  c: ZohoRequester,
  module: string,
  recordId: string,
  email: ZohoAssociateEmail,
): Promise<AssociateOutcome> {
  assertModule(module);
  assertZohoId('record id', recordId);
  if (!email.original_message_id)
    throw new RangeError('associate needs original_message_id (Zoho de-duplicates on it)');
  const history: AttemptRecord[] = [];

  /** The new email's Zoho message id, or the error the call (every attempt in `history`) ended with. */
  const post = async (): Promise<string | ZohoError> => {
    try {
      const res = await c.request<ZohoAssociateResponse>({
        method: 'POST',
        route: `/${module}/{id}/actions/associate_email`,
        params: { id: recordId },
        body: { Emails: [email] },
        idempotent: false,
      });
      history.push(...res.history);
      const item = res.data?.Emails?.[0];
      if (item && item.status === 'success' && typeof item.details?.message_id === 'string')
        return item.details.message_id;
      if (item && item.status === 'error') {
        return new ZohoError({
          kind: 'rejected',
          code: item.code,
          message: item.message,
          status: res.status,
          details: item.details,
          call: res.call,
          fromZoho: true,
        });
      }
      // A 2xx that does not say what it filed: maybe it did.
      return res.data === undefined
        ? emptyResponseError(res.status, res.call)
        : invalidResponseError(res.status, res.call, res.text);
    } catch (e) {
      if (!(e instanceof ZohoError)) throw e;
      history.push(...e.history);
      return e;
    }
  };

  /** Where Zoho has the email, or undefined when asking failed. */
  const lookUp = async (): Promise<ZohoEmailAvailable | null | undefined> =>
    emailAvailable(c, email.original_message_id).catch(() => undefined);

  const filedAs = (
    available: ZohoEmailAvailable,
    alreadyExisted: boolean,
    resolvedBy: FiledEmail['resolvedBy'],
  ): FiledEmail => ({ kind: 'filed', messageId: messageIdOf(available), alreadyExisted, resolvedBy, available });

  /** DUPLICATE_DATA: it is there; say where when Zoho will. */
  const duplicate = async (alreadyExisted: boolean): Promise<FiledEmail> => {
    const available = await lookUp();
    if (!available) return { kind: 'filed', messageId: null, alreadyExisted, resolvedBy: 'duplicate', available: null };
    return filedAs(available, alreadyExisted, 'duplicate');
  };

  const first = await post();
  if (typeof first === 'string')
    return { kind: 'filed', messageId: first, alreadyExisted: false, resolvedBy: 'response' };
  if (first.code === 'DUPLICATE_DATA') return duplicate(true);
  // A 2xx we could not read is not in the transport's failures, but it may have filed the email.
  const unreadable = first.kind === 'invalid_response';
  if (!unreadable && !history.some(attemptMayHaveApplied)) {
    return { kind: 'refused', error: first };
  }

  // Did our call land? Ask before sending anything again.
  const available = await lookUp();
  if (available === undefined) return { kind: 'unclear', error: first, unansweredAt: latestUnanswered(history) };
  if (available) return filedAs(available, false, 'email_available');

  // Not there: one more attempt is safe, since Zoho de-duplicates on the Message-ID. A
  // DUPLICATE_DATA now means the first one landed late.
  const second = await post();
  if (typeof second === 'string')
    return { kind: 'filed', messageId: second, alreadyExisted: false, resolvedBy: 'response' };
  if (second.code === 'DUPLICATE_DATA') return duplicate(false);
  const after = await lookUp();
  if (after) return filedAs(after, false, 'email_available');
  const unansweredAt = latestUnanswered(history);
  // Absent, and nothing can still land: nothing was filed. Otherwise we cannot tell.
  if (after === null && unansweredAt === null) return { kind: 'refused', error: second };
  return { kind: 'unclear', error: second, unansweredAt };
}
