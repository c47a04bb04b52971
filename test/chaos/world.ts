/**
 * The demo org as the chaos clients see it, and the truth about it, both read straight from the
 * emulator's SQLite store: past faults, limits and the gateway. Read-only; every write goes
 * through the gateway.
 */
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { DEMO_CREDENTIALS, DEMO_SECOND_USER_ID } from '../../src/emulator/index.ts';
import { ABSENT, type Place } from './judge.ts';

export interface WorldEmail {
  contactId: string;
  messageId: string;
  ownerId: string;
}

export interface World {
  orgId: string;
  /** Emails that can be linked: received or sent (drafts and scheduled mail cannot). */
  emails: WorldEmail[];
  /** Deals related to a contact (primary contact or contact role). */
  dealsOf: Map<string, string[]>;
  /** Contacts related to a deal. */
  contactsOf: Map<string, string[]>;
  /** The other user of the org, for items sent with the wrong owner. */
  otherOwner(ownerId: string): string;
}

export function readWorld(emu: RunningEmulator): World {
  const db = emu.store.db;
  const orgId = DEMO_CREDENTIALS.orgId;
  const emails = db
    .prepare(
      `SELECT r.record_id AS contactId, e.message_id AS messageId, e.owner_id AS ownerId
         FROM emails e JOIN email_records r ON r.org_id = e.org_id AND r.message_id = e.message_id
        WHERE e.org_id = ? AND r.module = 'Contacts' AND e.kind IN ('synced', 'crm_sent')
        ORDER BY e.message_id`,
    )
    .all(orgId) as WorldEmail[];
  const pairs = db
    .prepare(
      `SELECT id AS dealId, contact_id AS contactId FROM deals WHERE org_id = @o AND contact_id IS NOT NULL
       UNION SELECT deal_id AS dealId, contact_id AS contactId FROM deal_contact_roles WHERE org_id = @o
       ORDER BY dealId, contactId`,
    )
    .all({ o: orgId }) as Array<{ dealId: string; contactId: string }>;
  const dealsOf = new Map<string, string[]>();
  const contactsOf = new Map<string, string[]>();
  for (const { dealId, contactId } of pairs) {
    dealsOf.set(contactId, [...(dealsOf.get(contactId) ?? []), dealId]);
    contactsOf.set(dealId, [...(contactsOf.get(dealId) ?? []), contactId]);
  }
  return {
    orgId,
    emails,
    dealsOf,
    contactsOf,
    otherOwner: (ownerId) => (ownerId === DEMO_CREDENTIALS.userId ? DEMO_SECOND_USER_ID : DEMO_CREDENTIALS.userId),
  };
}

/** The truth: where each email is now, straight from the store. */
export class Truth {
  readonly #stmt;
  readonly #tokens;
  readonly #orgId: string;

  constructor(emu: RunningEmulator, orgId: string) {
    this.#orgId = orgId;
    this.#stmt = emu.store.db.prepare(
      `SELECT e.linked_deal_id AS d FROM emails e
        WHERE e.org_id = ? AND e.message_id = ?
          AND EXISTS (SELECT 1 FROM email_records r WHERE r.org_id = e.org_id AND r.message_id = e.message_id
                       AND r.module = 'Contacts' AND r.record_id = ?)`,
    );
    this.#tokens = emu.store.db.prepare('SELECT token FROM access_tokens');
  }

  placeOf(contactId: string, messageId: string): Place {
    const row = this.#stmt.get(this.#orgId, messageId, contactId) as { d: string | null } | undefined;
    return row === undefined ? ABSENT : row.d;
  }

  /** Every access token the emulator has issued (secrets that must never show up). */
  accessTokens(): string[] {
    return (this.#tokens.all() as Array<{ token: string }>).map((r) => r.token);
  }
}
