/**
 * Whether a contact's record must be read, from the selection under `contact` / `contacts`: the
 * resolvers follow it, and the cost estimate (graphql/cost.ts) prices the read only when it does.
 */
import { argumentOf, selectedFields, type Selection } from './lookahead.ts';
import { emailListType } from './resolvers/enums.ts';
import { emailArgsValid } from '../services/emails.ts';
import type { ContactLookup } from '../services/contacts.ts';
import type { EmailListType } from './generated/resolvers-types.ts';

/** Fields of a contact that need no read of its record, besides `emails`. */
const FREE = new Set(['id', '__typename']);

/**
 * The contacts' records are read unless only their emails are asked for, from the start (no
 * `after`) and of one list type: then the first page of emails tells whether each exists.
 */
export function contactLookup(info: Selection): ContactLookup {
  const fields = selectedFields(info);
  const emails = fields.get('emails');
  if (!emails || [...fields.keys()].some((f) => f !== 'emails' && !FREE.has(f))) return { by: 'record' };
  const types = new Set(emails.map((e) => (argumentOf(e, 'type', info) as EmailListType | undefined) ?? null));
  if (types.size !== 1 || emails.some((e) => argumentOf(e, 'after', info) != null)) return { by: 'record' };
  // Arguments the emails field refuses: it answers the error itself, before any call.
  if (
    emails.some((e) => !emailArgsValid({ first: argumentOf(e, 'first', info), filter: argumentOf(e, 'filter', info) }))
  )
    return { by: 'none' };
  const type = [...types][0]!;
  return { by: 'emails', type: type ? emailListType(type) : null };
}
