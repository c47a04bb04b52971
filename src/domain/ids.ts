/**
 * Zoho's id formats, checked before any call is made, and the opaque global id of an Email.
 *
 * Record and user ids are digits (Zoho's OAS: "string of digits"; real ids have 18-19). Message
 * ids match `^[a-zA-Z0-9]+$`, at most 500 characters (deal_link_emails.yaml).
 */

const RECORD_ID = /^[0-9]{1,25}$/;
const MESSAGE_ID = /^[a-zA-Z0-9]{1,500}$/;

export function isZohoRecordId(id: string): boolean {
  return RECORD_ID.test(id);
}

export function isZohoMessageId(id: string): boolean {
  return MESSAGE_ID.test(id);
}

/** Where an email is listed: the record whose `Emails` list holds it. */
export type EmailParent = { module: 'Contacts' | 'Deals'; recordId: string };

const PREFIX: Record<EmailParent['module'], string> = { Contacts: 'Email:', Deals: 'DealEmail:' };

/**
 * `Email.id`: base64url of `Email:<contactId>:<messageId>` (or `DealEmail:<dealId>:<messageId>`
 * for an email only known through a deal without a primary contact). Opaque to clients, unique
 * across the graph, and it carries what is needed to fetch the email again (federation `@key`).
 */
export function encodeEmailId(parent: EmailParent, messageId: string): string {
  return Buffer.from(`${PREFIX[parent.module]}${parent.recordId}:${messageId}`, 'utf8').toString('base64url');
}

/** The parent record and message an `Email.id` stands for, or null when it is not one of ours. */
export function decodeEmailId(id: string): (EmailParent & { messageId: string }) | null {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const module = (Object.keys(PREFIX) as Array<EmailParent['module']>).find((m) => text.startsWith(PREFIX[m]));
  if (!module) return null;
  const [recordId, messageId, ...rest] = text.slice(PREFIX[module].length).split(':');
  if (rest.length > 0 || !recordId || !messageId) return null;
  if (!isZohoRecordId(recordId) || !isZohoMessageId(messageId)) return null;
  return { module, recordId, messageId };
}
