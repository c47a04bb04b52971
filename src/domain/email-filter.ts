/**
 * Filters over a contact's emails by their deal link. Zoho's email list cannot filter by deal, so
 * the gateway scans its pages of 10 and keeps the matches; the scan is bounded per call.
 */
import { ZOHO_ID_RULE, isZohoRecordId } from './ids.ts';

/** The most Zoho pages (10 emails each) one filtered connection reads; documented on the field. */
export const MAX_FILTER_PAGES = 20;

export type EmailFilter = { linked?: boolean | null; dealId?: string | null };

/** What a filter looks at in an email. */
export type Linkable = { linked_record?: { id?: string | null } | null };

export class InvalidFilterError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The predicate for a filter, or null when the filter keeps everything. Throws on a contradiction. */
export function emailFilterPredicate(filter: EmailFilter | null | undefined): ((email: Linkable) => boolean) | null {
  const linked = filter?.linked ?? null;
  const dealId = filter?.dealId ?? null;
  if (dealId !== null) {
    if (!isZohoRecordId(dealId))
      throw new InvalidFilterError(
        `"${dealId.slice(0, 40)}" is not a Zoho deal id (${ZOHO_ID_RULE}).`,
        'filter.dealId',
      );
    if (linked === false)
      throw new InvalidFilterError('filter.linked: false cannot be combined with filter.dealId.', 'filter');
    return (e) => e.linked_record?.id === dealId;
  }
  if (linked === null) return null;
  return (e) => Boolean(e.linked_record?.id) === linked;
}
