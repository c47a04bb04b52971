/** Email rows and their Zoho wire form (`GET /{module}/{id}/Emails`, docs/zoho-notes.md §7, §8). */
import type { ZohoEmail, ZohoEmailDetail, ZohoLinkedRecord } from '../../wire/index.ts';
import type { Store } from './index.ts';
import type { EmailRow } from './rows.ts';

function linkedRecordOf(store: Store, row: EmailRow): ZohoLinkedRecord | null {
  if (!row.linked_deal_id) return null;
  const deal = store.getDealRow(row.org_id, row.linked_deal_id);
  const module = store.getModule(row.org_id, 'Deals');
  return {
    id: row.linked_deal_id,
    name: deal?.deal_name ?? null,
    module: { api_name: 'Deals', id: module?.id ?? null },
  };
}

/** An email as the list shows it: `time`, no `content`. */
export function toWireEmail(store: Store, row: EmailRow): ZohoEmail {
  const owner = store.userRef(row.org_id, row.owner_id) ?? { name: '', id: row.owner_id };
  return {
    cc: row.cc_addrs ? JSON.parse(row.cc_addrs) : null,
    summary: row.summary,
    owner,
    read: row.read === 1,
    subject: row.subject,
    message_id: row.message_id,
    sent: row.sent === 1,
    activity_info: null,
    intent: row.intent as ZohoEmail['intent'],
    sentiment_info: row.sentiment_info as ZohoEmail['sentiment_info'],
    source: row.source,
    linked_record: linkedRecordOf(store, row),
    emotion: row.emotion,
    from: JSON.parse(row.from_addr),
    to: JSON.parse(row.to_addrs),
    time: row.time,
    status: JSON.parse(row.status),
    has_attachment: row.has_attachment === 1,
    has_thread_attachment: row.has_thread_attachment === 1,
    thread_id: row.thread_id,
  };
}

/**
 * The single-email view: `sent_time` instead of `time`, plus `content`, `reply_to`, `mail_format`,
 * `editable` and `attachments` (docs/zoho-notes.md §8).
 */
export function toWireEmailDetail(store: Store, row: EmailRow): ZohoEmailDetail {
  const { time: _listTime, ...rest } = toWireEmail(store, row);
  const detail: ZohoEmailDetail = {
    ...rest,
    sent_time: row.time,
    content: row.content,
    mail_format: row.mail_format,
    editable: false,
    attachments: JSON.parse(row.attachments),
  };
  if (row.reply_to) detail.reply_to = JSON.parse(row.reply_to);
  return detail;
}
