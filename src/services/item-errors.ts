/**
 * A ZohoError (or a problem the gateway found itself) as the ItemError of the item it failed
 * (src/domain/item-errors.ts).
 *
 * The code comes from the classifier (src/zoho/classify.ts); only Zoho's refusals of an item are
 * refined here, with what the workflow knows (the deal exists, the path of the item), and only
 * from what Zoho's answer says: a refusal without details is never guessed into NOT_FOUND.
 */
import { classify, type ZohoError } from '../zoho/index.ts';
import { itemError, type ItemErrorModel } from '../domain/item-errors.ts';

/** What the gateway knows about an item that helps read Zoho's terse INVALID_DATA. */
export interface ItemFacts {
  /** Input path of the item, e.g. `emails[3]`. */
  at: string;
  /** The deal exists (it was read before the call). */
  dealExists?: boolean;
}

/** What each classified failure says to people. */
function describe(e: ZohoError): string {
  switch (classify(e).code) {
    case 'UNAUTHENTICATED':
      return e.kind === 'caller' ? e.message : 'Zoho did not accept the credentials, even after a token refresh.';
    case 'FORBIDDEN':
      return "Zoho's user may not change this email (for example, it is in another user's mailbox).";
    case 'RATE_LIMITED':
      if (e.kind === 'token_mint') {
        return 'Zoho refused to issue another access token for now (10 per 10 minutes); try again shortly.';
      }
      return e.kind === 'deadline'
        ? "The request's deadline passed while this item waited for a slot in Zoho's concurrency limit; nothing was sent for it."
        : "Zoho's concurrency limit kept refusing the call until the request's deadline; nothing was applied.";
    case 'CREDITS_EXHAUSTED':
    case 'CALL_LIMIT_REACHED':
      return e.message;
    case 'UPSTREAM_UNAVAILABLE':
      return e.phase === 'not_sent' && e.call?.route === '/oauth/v2/token'
        ? "Zoho's accounts server failed or did not answer, so no access token could be had."
        : 'Zoho failed or did not answer in time, after retries.';
    case 'UNKNOWN_RESULT':
      return "Zoho's answer did not say what happened to this email.";
    case 'UPSTREAM_ERROR':
      return `Zoho refused the item (${e.code}).`;
  }
}

/** Maps Zoho's answer for one item (or for the whole call it was in) to an ItemError. */
export function fromZohoError(e: ZohoError, facts: ItemFacts): ItemErrorModel {
  const vendor = e.fromZoho ? e.code : null;
  if (e.code === 'ALREADY_USED') {
    return itemError(
      'CONFLICT',
      'Zoho refused to replace the deal this email is linked to; unlink it first, or use moveEmailsToDeal.',
      `${facts.at}.messageId`,
      vendor,
    );
  }
  if (e.kind === 'rejected' || e.kind === 'item') return refusal(e, facts, vendor);
  const error = itemError(classify(e).code, describe(e), null, vendor);
  return e.retryAfterMs !== null ? { ...error, retryAfterMs: e.retryAfterMs } : error;
}

/** Zoho refused the item or its call with a 4xx: what its code and details say. */
function refusal(e: ZohoError, facts: ItemFacts, vendor: string | null): ItemErrorModel {
  const apiName = typeof e.details.api_name === 'string' ? e.details.api_name : undefined;
  if (e.code === 'INVALID_DATA') {
    switch (apiName) {
      case 'message_id':
      case 'message_ids':
        return itemError(
          'NOT_FOUND',
          'The contact has no email with this message id.',
          `${facts.at}.messageId`,
          vendor,
        );
      case 'linked_record.id':
        return facts.dealExists
          ? itemError(
              'DEAL_NOT_RELATED',
              "The deal is not related to this email's contact (as primary contact or contact role).",
              'dealId',
              vendor,
            )
          : itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId', vendor);
      case 'owner.id':
      case 'owner_id':
        return itemError(
          'INVALID_INPUT',
          "The owner is not the owner of this email's mailbox.",
          `${facts.at}.ownerId`,
          vendor,
        );
      case undefined:
        break;
      default:
        return itemError('INVALID_INPUT', `Zoho refused the value of ${apiName}.`, null, vendor);
    }
    // Zoho points at the record id in the path (`resource_path_index`) when it has no such record.
    if ('resource_path_index' in e.details) {
      return itemError('NOT_FOUND', 'There is no contact with this id.', `${facts.at}.contactId`, vendor);
    }
    return itemError(
      'UPSTREAM_ERROR',
      'Zoho refused the item as invalid data, without saying which value.',
      null,
      vendor,
    );
  }
  if (e.code === 'MANDATORY_NOT_FOUND' || e.code === 'REQUIRED_PARAM_MISSING' || e.code === 'LIMIT_EXCEEDED') {
    return itemError('INVALID_INPUT', `Zoho refused the request: ${e.message}`, null, vendor);
  }
  return itemError(
    'UPSTREAM_ERROR',
    `Zoho refused the item (${e.fromZoho ? e.code : `HTTP ${e.status ?? '?'}`}).`,
    null,
    vendor,
  );
}
