/**
 * The bench's emulator, in its own process so that its CPU is neither the gateway's nor the load
 * generator's. Configured, reset and counted through its public admin API over HTTP like any
 * emulator; this process additionally answers fixture requests over IPC, reading (and, for the
 * contact roles that workload 2 needs, writing) its own SQLite store.
 */
import { DEMO_CREDENTIALS, startEmulator } from '../../src/emulator/index.ts';
import { contactsWithEmails } from '../../test/support/fixtures.ts';
import { serveIpc } from './proc.ts';

const emu = await startEmulator({ port: 0, db: ':memory:', logger: false });
const db = emu.store.db;

serveIpc(async (msg) => {
  switch (msg.type) {
    case 'contacts': {
      const { minEmails, count } = msg as unknown as { minEmails: number; count: number };
      return { contacts: contactsWithEmails(emu, { minEmails, count, orgId: DEMO_CREDENTIALS.orgId }) };
    }
    case 'contactsByIds': {
      // The given contacts with their emails as contactsWithEmails lists them, newest first.
      const { ids } = msg as unknown as { ids: string[] };
      const emailsOf = db.prepare(
        `SELECT e.message_id AS messageId, e.owner_id AS ownerId, e.linked_deal_id AS linkedDealId
           FROM emails e JOIN email_records r ON r.message_id = e.message_id AND r.org_id = e.org_id
          WHERE r.module = 'Contacts' AND r.record_id = ? AND e.kind IN ('synced', 'crm_sent')
          ORDER BY e.time_ms DESC, e.message_id`,
      );
      const dealsOf = db.prepare(
        `SELECT id FROM deals WHERE contact_id = @c UNION SELECT deal_id AS id FROM deal_contact_roles WHERE contact_id = @c ORDER BY id`,
      );
      return {
        contacts: ids.map((contactId) => ({
          contactId,
          relatedDealIds: (dealsOf.all({ c: contactId }) as Array<{ id: string }>).map((d) => d.id),
          emails: emailsOf.all(contactId),
        })),
      };
    }
    case 'relate': {
      // Makes each deal related to each contact through a contact role, as Zoho's Contact Roles do.
      const { dealIds, contactIds } = msg as unknown as { dealIds: string[]; contactIds: string[] };
      const insert = db.prepare(
        'INSERT OR IGNORE INTO deal_contact_roles(org_id, deal_id, contact_id, role) VALUES (?, ?, ?, ?)',
      );
      db.transaction(() => {
        for (const d of dealIds) for (const c of contactIds) insert.run(DEMO_CREDENTIALS.orgId, d, c, 'Evaluator');
      })();
      return {};
    }
    case 'deals': {
      // Open deals, to link to.
      const { count, exclude } = msg as unknown as { count: number; exclude?: string[] };
      const rows = db
        .prepare(`SELECT id FROM deals WHERE org_id = ? ORDER BY id`)
        .all(DEMO_CREDENTIALS.orgId) as Array<{ id: string }>;
      const skip = new Set(exclude ?? []);
      return {
        dealIds: rows
          .map((r) => r.id)
          .filter((id) => !skip.has(id))
          .slice(0, count),
      };
    }
    case 'setLinks': {
      // Puts emails on a deal before a workload starts (as if linked earlier).
      const { dealId, messageIds } = msg as unknown as { dealId: string; messageIds: string[] };
      const update = db.prepare('UPDATE emails SET linked_deal_id = ? WHERE org_id = ? AND message_id = ?');
      db.transaction(() => {
        for (const m of messageIds) update.run(dealId, DEMO_CREDENTIALS.orgId, m);
      })();
      return {};
    }
    case 'inbound': {
      // Received emails for a contact, through the admin route a mailbox sync would use.
      const { contactId, count } = msg as unknown as { contactId: string; count: number };
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const res = await emu.app.inject({
          method: 'POST',
          url: '/__emulator/inbound',
          payload: { contactId, subject: `Bench message ${i}`, content: 'Hello' },
        });
        if (res.statusCode >= 300) throw new Error(`inbound: ${res.statusCode} ${res.body}`);
        ids.push((JSON.parse(res.body) as { message_id: string }).message_id);
      }
      return { messageIds: ids };
    }
    default:
      throw new Error(`unknown request ${msg.type}`);
  }
});

process.send?.({ type: 'ready', url: emu.url });
process.on('SIGTERM', () => {
  void emu.close().then(() => process.exit(0));
});
