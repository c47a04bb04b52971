/**
 * Contacts by id, with only the calls their selection needs. A contact whose record fields are
 * asked for (names, address, owner) is read, 100 per call. One asked for only with its emails is
 * not: the first page of its emails, which the emails field reads anyway, says whether it exists
 * (Zoho answers INVALID_DATA for an unknown record), so `contact(id:) { emails }` is one call, and
 * an unknown id still answers null with no error.
 */
import type { Loaders } from '../loaders/index.ts';
import type { ZohoEmailListType } from '../wire/index.ts';
import { isUnknownRecord } from '../zoho/index.ts';
import type { ContactModel } from './models.ts';

/** How to learn whether the contacts exist: their records, or the first page of their emails. */
export type ContactLookup =
  | { by: 'record' }
  | { by: 'emails'; type: ZohoEmailListType | null }
  /** Nothing to learn: the selection fails before any call (its emails' arguments are refused). */
  | { by: 'none' };

export async function contactsById(
  loaders: Loaders,
  ids: readonly string[],
  lookup: ContactLookup,
): Promise<Array<ContactModel | null>> {
  if (lookup.by === 'none') return ids.map((id) => ({ id }));
  if (lookup.by === 'record') {
    const records = await loaders.contacts.loadMany(ids);
    return records.map((r, i) => {
      if (r instanceof Error) throw r;
      return r ? { id: ids[i]!, record: r } : null;
    });
  }
  return Promise.all(
    ids.map((id) =>
      loaders.emailPages
        .load({ module: 'Contacts', recordId: id, ...(lookup.type ? { type: lookup.type } : {}), index: null })
        .then(
          () => ({ id }),
          // Any other failure is the emails field's to report, from the same (cached) answer.
          (e: unknown) => (isUnknownRecord(e) ? null : { id }),
        ),
    ),
  );
}
