/**
 * Email connections: Zoho's 10-per-call cursor pages turned into Relay connections, through the
 * request's page loader (so the same page is never read twice in one request).
 */
import type { EmailParentModule } from '../zoho/index.ts';
import type { ZohoEmail, ZohoEmailListType } from '../wire/index.ts';
import type { Loaders } from '../loaders/index.ts';
import { checkPageSize, collectConnection, InvalidCursorError, InvalidPageSizeError } from '../domain/paging.ts';
import type { EmailConnectionModel, EmailModel } from './models.ts';
import { invalidInput } from '../domain/errors.ts';
import type { EmailParent } from '../domain/ids.ts';
import {
  emailFilterPredicate,
  InvalidFilterError,
  MAX_FILTER_PAGES,
  type EmailFilter,
} from '../domain/email-filter.ts';

/** Whether `emailConnection` would take these arguments (it refuses the others before any call). */
export function emailArgsValid(args: { first?: unknown; filter?: unknown }): boolean {
  try {
    checkPageSize(args.first as number | null | undefined);
    emailFilterPredicate(args.filter as EmailFilter | null | undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * A page of the emails listed under `parent`; with a `filter`, only the matching ones, scanning at
 * most MAX_FILTER_PAGES Zoho pages per call. `contactId` is the contact the emails belong to:
 * the parent itself for a contact; for a deal, its primary contact (Zoho's deal email list does
 * not say whose timeline an email is on), or null when the deal has none.
 */
export async function emailConnection(
  loaders: Loaders,
  parent: { module: EmailParentModule; recordId: string },
  contactId: string | null,
  args: { first?: number | null; after?: string | null; type?: ZohoEmailListType; filter?: EmailFilter | null },
): Promise<EmailConnectionModel> {
  let first: number;
  let accept: ReturnType<typeof emailFilterPredicate>;
  try {
    first = checkPageSize(args.first);
    accept = emailFilterPredicate(args.filter);
  } catch (e) {
    if (e instanceof InvalidPageSizeError) throw invalidInput(e.message, { field: 'first' });
    if (e instanceof InvalidFilterError) throw invalidInput(e.message, { field: e.field });
    throw e;
  }
  try {
    const conn = await collectConnection<ZohoEmail>({
      first,
      after: args.after ?? null,
      fetchPage: async (index) => {
        const page = await loaders.emailPages.load({ ...parent, ...(args.type ? { type: args.type } : {}), index });
        return { items: page.emails, more: page.info?.more_records ?? false, nextIndex: page.info?.next_index ?? null };
      },
      ...(accept ? { accept, maxPages: MAX_FILTER_PAGES } : {}),
      // Found again by its message id when the first page has moved (new mail arrived).
      keyOf: (email) => email.message_id ?? '',
    });
    return {
      edges: conn.edges.map((e) => ({ cursor: e.cursor, node: emailFromWire(parent, contactId, e.node) })),
      pageInfo: conn.pageInfo,
      pagesScanned: conn.pagesRead,
      stoppedEarly: conn.stoppedEarly,
    };
  } catch (e) {
    if (e instanceof InvalidCursorError) throw invalidInput(e.message, { field: 'after' });
    throw e;
  }
}

/** Listed under a deal, an email keeps its contact's id when known, so Apollo Client sees one email. */
function emailFromWire(listedUnder: EmailParent, contactId: string | null, wire: ZohoEmail): EmailModel {
  const parent: EmailParent = contactId ? { module: 'Contacts', recordId: contactId } : listedUnder;
  return { parent, contactId, messageId: wire.message_id ?? '', wire };
}
