/**
 * The input of `associateEmail`, checked before any call (Associate Email's documented limits,
 * docs/zoho-notes.md §10), and where Zoho is to file the email.
 */
import { ZOHO_ID_RULE, isZohoRecordId } from './ids.ts';

export const SUBJECT_MAX = 500;
export const CONTENT_MAX = 32_000;
export const RECIPIENTS_MAX = 50;
export const ORIGINAL_MESSAGE_ID_MAX = 255;

export type AddressInput = { name?: string | null; email: string };

export type AssociateInput = {
  contactId?: string | null;
  dealId?: string | null;
  from: AddressInput;
  to: readonly AddressInput[];
  cc?: readonly AddressInput[] | null;
  subject: string;
  content: string;
  format?: 'HTML' | 'TEXT' | null;
  sentAt: string;
  direction: 'SENT' | 'RECEIVED';
  originalMessageId: string;
  ownerId?: string | null;
};

export type InputProblem = { field: string; message: string };

// Loose on purpose: any address a mail server could have produced is Zoho's to judge.
const ADDRESS = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/;
// Zoho keeps the offset of a date-time, so one is required.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function checkAddresses(list: readonly AddressInput[], field: string, min: number): InputProblem | null {
  if (list.length < min) return { field, message: `${field} needs at least ${min} address.` };
  if (list.length > RECIPIENTS_MAX)
    return { field, message: `${field} takes at most ${RECIPIENTS_MAX} addresses; got ${list.length}.` };
  const bad = list.findIndex((a) => !ADDRESS.test(a.email));
  return bad === -1
    ? null
    : { field: `${field}[${bad}].email`, message: `"${list[bad]!.email.slice(0, 60)}" is not an email address.` };
}

/** The first problem with the input, or null when Zoho can be asked. */
export function checkAssociateInput(input: AssociateInput): InputProblem | null {
  const { contactId, dealId, ownerId } = input;
  if (!contactId && !dealId)
    return { field: 'contactId', message: 'Give contactId, dealId or both: where to log the email.' };
  for (const [field, id] of [
    ['contactId', contactId],
    ['dealId', dealId],
    ['ownerId', ownerId],
  ] as const) {
    if (id != null && !isZohoRecordId(id))
      return { field, message: `"${id.slice(0, 40)}" is not a Zoho id (${ZOHO_ID_RULE}).` };
  }
  if (!ADDRESS.test(input.from.email))
    return { field: 'from.email', message: `"${input.from.email.slice(0, 60)}" is not an email address.` };
  const recipients = checkAddresses(input.to, 'to', 1) ?? checkAddresses(input.cc ?? [], 'cc', 0);
  if (recipients) return recipients;
  if (input.subject.length === 0 || input.subject.length > SUBJECT_MAX) {
    return {
      field: 'subject',
      message: `subject must be 1 to ${SUBJECT_MAX} characters; got ${input.subject.length}.`,
    };
  }
  if (input.content.length > CONTENT_MAX)
    return { field: 'content', message: `content is at most ${CONTENT_MAX} characters; got ${input.content.length}.` };
  if (!DATE_TIME.test(input.sentAt) || Number.isNaN(Date.parse(input.sentAt))) {
    return {
      field: 'sentAt',
      message: 'sentAt must be an ISO 8601 date-time with its offset, for example 2026-03-04T10:15:00+05:30.',
    };
  }
  const omid = input.originalMessageId;
  if (omid.trim().length === 0 || omid.length > ORIGINAL_MESSAGE_ID_MAX) {
    return {
      field: 'originalMessageId',
      message: `originalMessageId must be 1 to ${ORIGINAL_MESSAGE_ID_MAX} characters.`,
    };
  }
  return null;
}

/**
 * Where the email is filed (the record in the path) and the second record (`linked_record`):
 * a contact, linked to a deal when one is given; or a deal alone.
 */
export function placement(input: AssociateInput): {
  module: 'Contacts' | 'Deals';
  recordId: string;
  linkDealId: string | null;
} {
  if (input.contactId) return { module: 'Contacts', recordId: input.contactId, linkDealId: input.dealId ?? null };
  return { module: 'Deals', recordId: input.dealId!, linkDealId: null };
}
