/** Row types of the emulator's SQLite tables, shared by the store and the wire mappers. */

/**
 * synced: from the user's mailbox (IMAP/Zoho Mail); crm_sent: sent from CRM; scheduled and draft:
 * CRM emails not sent yet. The `type` filter of Get Emails selects among these.
 */
export type EmailKind = 'synced' | 'crm_sent' | 'scheduled' | 'draft';

export interface EmailRow {
  org_id: string;
  message_id: string;
  owner_id: string;
  kind: EmailKind;
  sent: number;
  time: string;
  time_ms: number;
  subject: string | null;
  from_addr: string;
  to_addrs: string;
  cc_addrs: string | null;
  reply_to: string | null;
  status: string;
  read: number;
  source: string | null;
  summary: string | null;
  intent: string | null;
  sentiment_info: string | null;
  emotion: string | null;
  thread_id: string;
  has_attachment: number;
  has_thread_attachment: number;
  attachments: string;
  content: string;
  mail_format: string;
  original_message_id: string | null;
  linked_deal_id: string | null;
}
