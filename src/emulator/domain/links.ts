/**
 * The rules of Link Deal to Emails and Unlink Deal from Emails (docs/zoho-notes.md §5, §6; Kaizen #229),
 * as plain functions over a lookup of the store: validate each item, decide what it changes, and
 * shape Zoho's per-item answer. No I/O here; the route applies the plan in one transaction.
 */
import type { ZohoItemError, ZohoItemSuccess, ZohoLinkItemResult } from '../../wire/index.ts';
import { isMessageId, isZohoId } from './ids.ts';

/** The article's messages (they win over the OAS examples' "Email linked to the record successfully"). */
export const LINK_SUCCESS_MESSAGE = 'email has been linked with the deal successfully';
export const UNLINK_SUCCESS_MESSAGE = 'email has been unlinked from the deal successfully';

/** What the rules need to know about the contact's emails and deals. */
export interface LinkLookup {
  /** The email, if it is listed under the contact of the path. */
  emailUnderContact(messageId: string): { ownerId: string; linkedDealId: string | null } | undefined;
  /** Whether the deal exists and is the contact's (primary contact or contact role). */
  dealRelatedToContact(dealId: string): boolean;
  /** The Deals module id, which `linked_record.module.id` must name. */
  dealsModuleId: string;
}

/** One item's outcome, before anything is applied. */
export type ItemPlan =
  | { ok: true; messageId: string; dealId: string | null; previousDealId: string | null }
  | { ok: false; messageId: string | null; errors: ZohoItemError[] };

export function mandatoryNotFound(apiName: string, jsonPath: string): ZohoItemError {
  return {
    status: 'error',
    code: 'MANDATORY_NOT_FOUND',
    message: `${apiName} is mandatory`,
    details: { api_name: apiName, json_path: jsonPath },
  };
}

/** The link OAS fixes INVALID_DATA's message to "invalid data". */
export function invalidData(apiName: string, jsonPath: string): ZohoItemError {
  return {
    status: 'error',
    code: 'INVALID_DATA',
    message: 'invalid data',
    details: { api_name: apiName, json_path: jsonPath },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/**
 * Plans a link batch. `pathMessageId` is set on the single-email endpoint, where the message id is
 * in the path (a `message_id` in the body is then ignored: the path names the email).
 *
 * Decisions where Zoho documents nothing:
 * - An item reports either its missing mandatory keys (MANDATORY_NOT_FOUND) or, when none is
 *   missing, its invalid values (INVALID_DATA); never both kinds, because the OAS types each
 *   item's error array as all of one code.
 * - A deal that exists but is not the contact's (neither Contact_Name nor a contact role) is as
 *   invalid as an unknown deal: INVALID_DATA on `linked_record.id`.
 * - `owner.id` must be the mailbox owner of the email; otherwise INVALID_DATA on `owner.id`.
 * - `owner.name` and `linked_record.name` are not checked (Zoho keys on ids).
 * - Linking an email already linked to another deal replaces the link (relinkMode 'replace').
 */
export function planLinks(items: readonly unknown[], lookup: LinkLookup, pathMessageId?: string): ItemPlan[] {
  return items.map((item, i) => {
    const at = (key: string) => `Emails[${i}].${key}`;
    if (!isObject(item)) return { ok: false, messageId: null, errors: [invalidData('Emails', `Emails[${i}]`)] };

    const missing: ZohoItemError[] = [];
    const messageId = pathMessageId ?? item.message_id;
    if (pathMessageId === undefined && isBlank(item.message_id))
      missing.push(mandatoryNotFound('message_id', at('message_id')));
    const owner = item.owner;
    if (!isObject(owner)) missing.push(mandatoryNotFound('owner', at('owner')));
    else if (isBlank(owner.id)) missing.push(mandatoryNotFound('owner.id', at('owner.id')));
    const linked = item.linked_record;
    if (!isObject(linked)) missing.push(mandatoryNotFound('linked_record', at('linked_record')));
    else {
      if (isBlank(linked.id)) missing.push(mandatoryNotFound('linked_record.id', at('linked_record.id')));
      if (!isObject(linked.module)) missing.push(mandatoryNotFound('linked_record.module', at('linked_record.module')));
      else if (isBlank(linked.module.id))
        missing.push(mandatoryNotFound('linked_record.module.id', at('linked_record.module.id')));
    }
    const idForResult = typeof messageId === 'string' ? messageId : null;
    if (missing.length > 0) return { ok: false, messageId: idForResult, errors: missing };

    // Past this point owner, linked_record and linked_record.module are objects with ids.
    const ownerObj = owner as Record<string, unknown>;
    const linkedObj = linked as Record<string, unknown>;
    const moduleObj = linkedObj.module as Record<string, unknown>;
    const invalid: ZohoItemError[] = [];
    const messageIdPath = pathMessageId === undefined ? at('message_id') : 'message_id';
    const email = isMessageId(messageId) ? lookup.emailUnderContact(messageId) : undefined;
    if (!email) invalid.push(invalidData('message_id', messageIdPath));
    if (!isZohoId(ownerObj.id) || (email && email.ownerId !== ownerObj.id))
      invalid.push(invalidData('owner.id', at('owner.id')));
    if (moduleObj.api_name !== undefined && moduleObj.api_name !== 'Deals')
      invalid.push(invalidData('linked_record.module.api_name', at('linked_record.module.api_name')));
    if (moduleObj.id !== lookup.dealsModuleId)
      invalid.push(invalidData('linked_record.module.id', at('linked_record.module.id')));
    const dealId = linkedObj.id;
    if (!isZohoId(dealId) || !lookup.dealRelatedToContact(dealId))
      invalid.push(invalidData('linked_record.id', at('linked_record.id')));
    if (invalid.length > 0 || !email) return { ok: false, messageId: idForResult, errors: invalid };

    return { ok: true, messageId: messageId as string, dealId: dealId as string, previousDealId: email.linkedDealId };
  });
}

/**
 * Plans an unlink of `messageIds` (already split from the query string) for `ownerId`.
 *
 * Decisions where Zoho documents nothing:
 * - Unlinking an email that has no deal link succeeds, so that retries are safe.
 * - An email not listed under the contact is INVALID_DATA on `message_id` (json_path
 *   `message_ids[i]`, as in the OAS example; `message_id` on the single form).
 * - An `owner_id` that is not the email's owner is INVALID_DATA with api_name and json_path
 *   `owner_id`, reported on each email it concerns.
 */
export function planUnlinks(
  ownerId: string,
  messageIds: readonly string[],
  lookup: LinkLookup,
  single = false,
): ItemPlan[] {
  return messageIds.map((messageId, i) => {
    const path = single ? 'message_id' : `message_ids[${i}]`;
    if (messageId === '') return { ok: false, messageId: null, errors: [mandatoryNotFound('message_id', path)] };
    const email = isMessageId(messageId) ? lookup.emailUnderContact(messageId) : undefined;
    if (!email) return { ok: false, messageId, errors: [invalidData('message_id', path)] };
    if (email.ownerId !== ownerId) return { ok: false, messageId, errors: [invalidData('owner_id', 'owner_id')] };
    return { ok: true, messageId, dealId: null, previousDealId: email.linkedDealId };
  });
}

export function success(messageId: string, message: string): ZohoItemSuccess {
  return { code: 'SUCCESS', details: { message_id: messageId }, message, status: 'success' };
}

/**
 * Zoho's answer to a batch: 200 when every item succeeded, 400 (array of error arrays) when every
 * item failed, 207 when mixed, each index holding a success object or that item's error array.
 */
export function batchAnswer(
  plans: readonly ItemPlan[],
  successMessage: string,
): { status: 200 | 207 | 400; body: { Emails: ZohoLinkItemResult[] } } {
  const results: ZohoLinkItemResult[] = plans.map((p) => (p.ok ? success(p.messageId, successMessage) : p.errors));
  const good = plans.filter((p) => p.ok).length;
  const status = good === plans.length ? 200 : good === 0 ? 400 : 207;
  return { status, body: { Emails: results } };
}
