/**
 * Zoho's id formats, in one place for the gateway (the GraphQL inputs, the workflows and the
 * client's own checks before any call is made), and the opaque global id of an Email. The
 * emulator keeps a copy of its own (src/emulator/domain/ids.ts): it imports nothing from here.
 *
 * Record, user and module ids are the decimal strings of a Zoho `long`, a signed 64-bit integer:
 * Zoho's v8 documentation types them `long`
 * (https://www.zoho.com/crm/developer/docs/api/v8/link-deals-email.html, `owner.id`), and Zoho's
 * Node SDK (https://github.com/zoho/zohocrm-nodejs-sdk-8.0, `config/json_details.json`) types the
 * `id` of records, users and modules `Long`, read as a BigInt. The OAS says only `^[0-9]+$`,
 * maxLength 100 (deal_link_emails.yaml), which no `long` can reach. A `long` is at most
 * 9223372036854775807, 19 digits; Zoho's ids today have 18 or 19. So an id is 1 to 19 digits and
 * no larger than that: anything else cannot name a Zoho record, and is refused without a call.
 *
 * Message ids match `^[a-zA-Z0-9]+$`, at most 500 characters (deal_link_emails.yaml `message_id`).
 *
 * The facts and their sources: docs/zoho-notes.md §4. Imports nothing, so any layer may use it.
 */

/** The largest Zoho id: a signed 64-bit integer's maximum. */
export const ZOHO_ID_MAX = '9223372036854775807';
/** How the id rule reads in an error message. */
export const ZOHO_ID_RULE = `digits only, at most ${ZOHO_ID_MAX.length}`;

/** The longest message id (deal_link_emails.yaml). */
export const MESSAGE_ID_MAX_LENGTH = 500;
/** How the message-id rule reads in an error message. */
export const MESSAGE_ID_RULE = `letters and digits, at most ${MESSAGE_ID_MAX_LENGTH}`;

const DIGITS = /^[0-9]{1,19}$/;
const MESSAGE_ID = /^[a-zA-Z0-9]{1,500}$/;

/** A Zoho record, user or module id: 1-19 digits, no larger than a 64-bit integer. */
export function isZohoRecordId(id: unknown): boolean {
  if (typeof id !== 'string' || !DIGITS.test(id)) return false;
  // Same length, digits only: string order is numeric order.
  return id.length < ZOHO_ID_MAX.length || id <= ZOHO_ID_MAX;
}

/** A Zoho message id: letters and digits, 1-500 of them. */
export function isZohoMessageId(id: unknown): boolean {
  return typeof id === 'string' && MESSAGE_ID.test(id);
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
