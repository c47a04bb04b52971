/**
 * Associate Email (zoho-api.md §4): files an email (one per call) under a record.
 *
 * It is never blindly retried: a write whose answer was lost may have been applied. After a
 * 5xx, a timeout or a reset we ask `GET /actions/email_available?orginal_message_id=` (Zoho's
 * spelling) whether the email now exists; only when it does not is the call sent once more. A
 * DUPLICATE_DATA answer means the email was already there; it is resolved the same way, so the
 * caller always learns the Zoho message id.
 */
import type { ZohoAssociateEmail, ZohoAssociateResponse, ZohoEmailAvailable } from '../../wire/index.ts';
import { ZohoError } from '../errors.ts';
import { assertModule, assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

export interface AssociateResult {
  /** Zoho's message id of the email (not the original Message-ID header), when Zoho told it. */
  messageId: string | null;
  /** True when the email was in Zoho before this call (DUPLICATE_DATA on the first attempt). */
  alreadyExisted: boolean;
  /** How the result was learnt. */
  resolvedBy: 'response' | 'duplicate' | 'email_available';
  /** Where Zoho says the email is, when that was looked up. */
  available?: ZohoEmailAvailable | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  const o = a as unknown as Obj;
  const rec = isObj(o.record) ? o.record : {};
  for (const v of [o.message_id, rec.message_id]) if (typeof v === 'string' && v) return v;
  return null;
}

/** A failure after which we cannot tell whether the email was filed. */
const outcomeUnknown = (e: ZohoError): boolean =>
  e.kind === 'timeout' ||
  e.kind === 'network' ||
  (e.status !== null && e.status >= 500) ||
  e.kind === 'empty' ||
  e.kind === 'invalid_response';

export async function associateEmail(
  c: ZohoRequester,
  module: string,
  recordId: string,
  email: ZohoAssociateEmail,
): Promise<AssociateResult> {
  assertModule(module);
  assertZohoId('record id', recordId);
  if (!email.original_message_id)
    throw new RangeError('associate needs original_message_id (Zoho de-duplicates on it)');

  const post = async (): Promise<string> => {
    const res = await c.request<ZohoAssociateResponse>({
      method: 'POST',
      route: `/${module}/{id}/actions/associate_email`,
      params: { id: recordId },
      body: { Emails: [email] },
      idempotent: false,
    });
    const item = res.data?.Emails?.[0];
    if (item && item.status === 'success' && typeof item.details?.message_id === 'string')
      return item.details.message_id;
    if (item && item.status === 'error') {
      throw new ZohoError({
        kind: 'http',
        code: item.code,
        message: item.message,
        status: res.status,
        details: item.details,
        call: res.call,
        fromZoho: true,
      });
    }
    throw new ZohoError({
      kind: res.data === undefined ? 'empty' : 'invalid_response',
      code: res.data === undefined ? 'EMPTY_RESPONSE' : 'INVALID_RESPONSE',
      message: `Zoho answered HTTP ${res.status} to associate_email without a result`,
      status: res.status,
      call: res.call,
    });
  };

  const existing = async (alreadyExisted: boolean, cause: ZohoError): Promise<AssociateResult> => {
    const available = await emailAvailable(c, email.original_message_id);
    if (!available && cause.code === 'DUPLICATE_DATA') {
      // Zoho says it is there but will not say where: report it as a duplicate all the same.
      return { messageId: null, alreadyExisted, resolvedBy: 'duplicate', available: null };
    }
    if (!available) throw cause;
    return {
      messageId: messageIdOf(available),
      alreadyExisted,
      resolvedBy: cause.code === 'DUPLICATE_DATA' ? 'duplicate' : 'email_available',
      available,
    };
  };

  try {
    return { messageId: await post(), alreadyExisted: false, resolvedBy: 'response' };
  } catch (e) {
    if (!(e instanceof ZohoError)) throw e;
    if (e.code === 'DUPLICATE_DATA') return existing(true, e);
    if (!outcomeUnknown(e)) throw e;
    // Did our call land? Ask before sending anything again.
    let available: ZohoEmailAvailable | null;
    try {
      available = await emailAvailable(c, email.original_message_id);
    } catch {
      throw e;
    }
    if (available)
      return { messageId: messageIdOf(available), alreadyExisted: false, resolvedBy: 'email_available', available };
    // Verified not applied: one more attempt is safe. A DUPLICATE_DATA now means the first landed late.
    try {
      return { messageId: await post(), alreadyExisted: false, resolvedBy: 'response' };
    } catch (e2) {
      if (e2 instanceof ZohoError && e2.code === 'DUPLICATE_DATA') return existing(false, e2);
      throw e2;
    }
  }
}
