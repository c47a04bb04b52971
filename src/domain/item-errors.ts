/**
 * One error model from the REST client to the GraphQL payload: a ZohoError (or a problem the
 * gateway found itself) becomes an ItemError with a stable `code` clients switch on. Zoho's own
 * code survives as `vendorCode`.
 */
import type { ZohoError } from '../zoho/index.ts';

/** The GraphQL enum ItemErrorCode (the compiler checks the two agree, in the resolvers). */
export type ItemErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'DEAL_NOT_RELATED'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNKNOWN_RESULT'
  | 'UPSTREAM_ERROR';

export type ItemErrorModel = { code: ItemErrorCode; message: string; vendorCode: string | null; field: string | null };

/** What the gateway knows about an item that helps read Zoho's terse INVALID_DATA. */
export interface ItemFacts {
  /** Input path of the item, e.g. `emails[3]`. */
  at: string;
  /** The deal exists (it was read before the call). */
  dealExists?: boolean;
}

export function itemError(
  code: ItemErrorCode,
  message: string,
  field?: string | null,
  vendorCode?: string | null,
): ItemErrorModel {
  return { code, message, field: field ?? null, vendorCode: vendorCode ?? null };
}

/** Maps Zoho's answer for one item (or for the whole call it was in) to an ItemError. */
export function fromZohoError(e: ZohoError, facts: ItemFacts): ItemErrorModel {
  const vendor = e.fromZoho ? e.code : null;
  const apiName = typeof e.details.api_name === 'string' ? e.details.api_name : undefined;

  if (e.code === 'ALREADY_USED') {
    return itemError(
      'CONFLICT',
      'Zoho refused to replace the deal this email is linked to; unlink it first, or use moveEmailsToDeal.',
      `${facts.at}.messageId`,
      vendor,
    );
  }
  switch (e.kind) {
    case 'auth':
      return itemError(
        'UNAUTHENTICATED',
        'Zoho did not accept the credentials, even after a token refresh.',
        null,
        vendor,
      );
    case 'token_mint':
      return itemError(
        'RATE_LIMITED',
        'Zoho refused to issue another access token for now (10 per 10 minutes); try again shortly.',
        null,
        vendor,
      );
    case 'rate_limited':
      return itemError(
        'RATE_LIMITED',
        "Zoho's concurrency or daily credit limit refused the call, after retries.",
        null,
        vendor,
      );
    case 'timeout':
    case 'network':
      return itemError('UPSTREAM_UNAVAILABLE', 'Zoho did not answer in time, after retries.', null, vendor);
    case 'unknown_result':
      return itemError(
        'UNKNOWN_RESULT',
        "Zoho's answer did not say what happened to this email, and reading it back did not settle it.",
        null,
        vendor,
      );
    case 'caller':
      return itemError('UNAUTHENTICATED', e.message, null, vendor);
    default:
      break;
  }
  if (e.status === 401)
    return itemError(
      'UNAUTHENTICATED',
      'Zoho did not accept the credentials, even after a token refresh.',
      null,
      vendor,
    );
  if (e.status === 403 || e.code === 'NO_PERMISSION') {
    return itemError(
      'FORBIDDEN',
      "Zoho's user may not change this email (for example, it is in another user's mailbox).",
      null,
      vendor,
    );
  }
  if (e.status === 429)
    return itemError('RATE_LIMITED', "Zoho's limits refused the call, after retries.", null, vendor);
  if (e.status !== null && e.status >= 500)
    return itemError('UPSTREAM_UNAVAILABLE', 'Zoho failed, after retries.', null, vendor);

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
      case 'id':
      case 'contact_id':
      case undefined:
        // A whole-call INVALID_DATA on a valid-looking contact id: Zoho has no such contact.
        if (e.kind !== 'item')
          return itemError('NOT_FOUND', 'There is no contact with this id.', `${facts.at}.contactId`, vendor);
        break;
      default:
        break;
    }
    return itemError('INVALID_INPUT', `Zoho refused the value of ${apiName ?? 'an input'}.`, null, vendor);
  }
  if (e.code === 'MANDATORY_NOT_FOUND' || e.code === 'REQUIRED_PARAM_MISSING' || e.code === 'LIMIT_EXCEEDED') {
    return itemError('INVALID_INPUT', `Zoho refused the request: ${e.message}`, null, vendor);
  }
  return itemError('UPSTREAM_ERROR', `Zoho refused the item (${e.code}).`, null, vendor);
}
