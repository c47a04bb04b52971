/**
 * Emails of a record (docs/zoho-notes.md §7): 10 per page, paged by the `index` cursor copied from
 * `info.next_index`; 204 with no body when there are none. The single-email GET still answers
 * `{"Emails":[one]}`, with `sent_time` and `content` (§8).
 */
import type {
  ZohoEmail,
  ZohoEmailDetail,
  ZohoEmailDetailResponse,
  ZohoEmailListType,
  ZohoEmailsInfo,
  ZohoEmailsResponse,
} from '../../wire/index.ts';
import { assertMessageId, assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';
import { ZohoError } from '../errors.ts';

export type EmailParentModule = 'Contacts' | 'Deals';

export interface ListEmailsParams {
  module: EmailParentModule;
  recordId: string;
  type?: ZohoEmailListType;
  /** The cursor: `info.next_index` of the previous page. */
  index?: string;
}

export interface EmailPage {
  emails: ZohoEmail[];
  /** Null when Zoho answered 204 (no emails). */
  info: ZohoEmailsInfo | null;
}

function assertParent(module: string): void {
  if (module !== 'Contacts' && module !== 'Deals') throw new RangeError('emails are read under Contacts or Deals');
}

export async function listEmails(c: ZohoRequester, p: ListEmailsParams): Promise<EmailPage> {
  assertParent(p.module);
  assertZohoId('record id', p.recordId);
  const res = await c.request<ZohoEmailsResponse>({
    method: 'GET',
    route: `/${p.module}/{id}/Emails`,
    params: { id: p.recordId },
    query: { type: p.type, index: p.index },
  });
  if (res.data === undefined) return { emails: [], info: null };
  return { emails: res.data.Emails ?? [], info: res.data.info ?? null };
}

/**
 * Zoho's answer to Get Emails for a record that does not exist: INVALID_DATA on the id in the path
 * (`details.resource_path_index` 1, the segment after the module). It tells an unknown contact
 * apart from one with no email, with no read of the record itself.
 */
export function isUnknownRecord(e: unknown): boolean {
  return (
    e instanceof ZohoError &&
    e.phase === 'answered' &&
    e.code === 'INVALID_DATA' &&
    (e.details as { resource_path_index?: unknown }).resource_path_index === 1
  );
}

export interface GetEmailParams {
  module: EmailParentModule;
  recordId: string;
  messageId: string;
  /** The mailbox owner, when reading another user's shared email (sent as `owner_id`, as the OAS and SDK do). */
  ownerId?: string;
  /**
   * A read-back that a reported result depends on: straight from Zoho, past every cache, and
   * served whatever the request's deadline.
   */
  fresh?: boolean;
}

/** One email with its `content`, or null when Zoho answers 204. */
export async function getEmail(c: ZohoRequester, p: GetEmailParams): Promise<ZohoEmailDetail | null> {
  assertParent(p.module);
  assertZohoId('record id', p.recordId);
  assertMessageId('message id', p.messageId);
  if (p.ownerId !== undefined) assertZohoId('owner id', p.ownerId);
  const res = await c.request<ZohoEmailDetailResponse>({
    method: 'GET',
    route: `/${p.module}/{id}/Emails/{message_id}`,
    params: { id: p.recordId, message_id: p.messageId },
    query: { owner_id: p.ownerId },
    ...(p.fresh ? { essential: true, fresh: true } : {}),
  });
  return res.data?.Emails?.[0] ?? null;
}
