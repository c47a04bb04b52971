/**
 * Link and unlink emails to deals (zoho-api.md §1, §2). One outcome per input item, in input
 * order, whatever Zoho answers: per-item errors are matched by their `json_path` index, a
 * whole-call error applies to every item, and an item the answer omits is UNKNOWN_RESULT.
 *
 * Both calls are idempotent in effect (re-linking to the same deal, unlinking an unlinked email),
 * so the transport retries them after a 5xx, a timeout or a reset.
 */
import type { ZohoLinkItem, ZohoLinkResponse } from '../../wire/index.ts';
import { ZohoError, parseItemOutcomes, type ItemOutcome } from '../errors.ts';
import { assertLinkItems, assertUnlinkIds, assertZohoId } from '../limits.ts';
import type { ZohoRequester, ZohoResponse } from '../types.ts';

export type LinkOutcome = ItemOutcome;

const LINK_ROUTE = '/Contacts/{id}/Emails/actions/link_record';

async function outcomes(
  messageIds: readonly string[],
  send: () => Promise<ZohoResponse<ZohoLinkResponse>>,
): Promise<LinkOutcome[]> {
  let res: ZohoResponse<ZohoLinkResponse>;
  try {
    res = await send();
  } catch (e) {
    // 401/403/404/429/5xx after retries, timeouts, resets: the same error for every item.
    if (e instanceof ZohoError) return messageIds.map((messageId) => ({ ok: false, messageId, error: e }));
    throw e;
  }
  return parseItemOutcomes({ status: res.status, json: res.data, text: res.text, messageIds, call: res.call });
}

/**
 * `POST /Contacts/{id}/Emails/actions/link_record` with at most 20 items (chunkLinkItems), each
 * with its own `message_id`, `owner.id` and `linked_record`.
 */
export async function linkEmails(
  c: ZohoRequester,
  contactId: string,
  items: readonly ZohoLinkItem[],
): Promise<LinkOutcome[]> {
  assertZohoId('contact id', contactId);
  assertLinkItems(items);
  const messageIds = items.map((i) => i.message_id!);
  return outcomes(messageIds, () =>
    c.request<ZohoLinkResponse>({
      method: 'POST',
      route: LINK_ROUTE,
      params: { id: contactId },
      body: { Emails: items },
      idempotent: true,
      acceptStatus: [400],
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
): Promise<LinkOutcome[]> {
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
