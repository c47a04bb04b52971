/**
 * Picks test subjects from the emulator's demo org by reading its SQLite store directly: which
 * contacts have many emails, which deals are related to them. Read-only; tests then act through
 * the gateway or the API like any client.
 */
import type { RunningEmulator } from '../../src/emulator/index.ts';

export type EmailFixture = { messageId: string; ownerId: string; linkedDealId: string | null };
/** A contact with the emails its default list shows (synced and sent from CRM), newest first. */
export type ContactFixture = { contactId: string; relatedDealIds: string[]; emails: EmailFixture[] };

export function contactsWithEmails(
  emu: RunningEmulator,
  opts: { minEmails: number; count: number; orgId?: string },
): ContactFixture[] {
  const db = emu.store.db;
  const rows = db
    .prepare(
      `SELECT r.record_id AS contactId, COUNT(*) AS n
         FROM email_records r JOIN emails e ON e.message_id = r.message_id AND e.org_id = r.org_id
        WHERE r.module = 'Contacts' AND e.kind IN ('synced', 'crm_sent') ${opts.orgId ? 'AND r.org_id = @orgId' : ''}
        GROUP BY r.record_id HAVING n >= @min
        ORDER BY r.record_id LIMIT @count`,
    )
    .all({ min: opts.minEmails, count: opts.count * 3, ...(opts.orgId ? { orgId: opts.orgId } : {}) }) as Array<{
    contactId: string;
  }>;
  const out: ContactFixture[] = [];
  for (const { contactId } of rows) {
    const deals = db
      .prepare(
        `SELECT id FROM deals WHERE contact_id = @c
         UNION SELECT deal_id AS id FROM deal_contact_roles WHERE contact_id = @c ORDER BY id`,
      )
      .all({ c: contactId }) as Array<{ id: string }>;
    if (deals.length === 0) continue;
    const emails = db
      .prepare(
        `SELECT e.message_id AS messageId, e.owner_id AS ownerId, e.linked_deal_id AS linkedDealId
           FROM emails e JOIN email_records r ON r.message_id = e.message_id AND r.org_id = e.org_id
          WHERE r.module = 'Contacts' AND r.record_id = @c AND e.kind IN ('synced', 'crm_sent')
          ORDER BY e.time_ms DESC, e.message_id`,
      )
      .all({ c: contactId }) as EmailFixture[];
    out.push({ contactId, relatedDealIds: deals.map((d) => d.id), emails });
    if (out.length === opts.count) break;
  }
  if (out.length < opts.count)
    throw new Error(`the demo org has only ${out.length} contacts with ${opts.minEmails}+ emails and a deal`);
  return out;
}

/** A deal that exists but is related to none of the given contact's deals. */
export function unrelatedDeal(emu: RunningEmulator, contactId: string): string {
  const row = emu.store.db
    .prepare(
      `SELECT id FROM deals
        WHERE (contact_id IS NULL OR contact_id <> @c)
          AND id NOT IN (SELECT deal_id FROM deal_contact_roles WHERE contact_id = @c)
        ORDER BY id LIMIT 1`,
    )
    .get({ c: contactId }) as { id: string } | undefined;
  if (!row) throw new Error('no unrelated deal in the demo org');
  return row.id;
}

/** Where an email is linked now, straight from the store. */
export function linkedDealOf(emu: RunningEmulator, messageId: string): string | null {
  const row = emu.store.db.prepare('SELECT linked_deal_id AS d FROM emails WHERE message_id = ?').get(messageId) as
    { d: string | null } | undefined;
  return row?.d ?? null;
}
