/**
 * The emulator's storage: one better-sqlite3 database (a file by default, ':memory:' in tests).
 * Queries are synchronous; a route that writes wraps all its writes in `store.tx(...)`, so each
 * request's writes are one transaction.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ZohoContact, ZohoDeal, ZohoOrg, ZohoUser } from '../../wire/index.ts';
import { DATA_TABLES, SCHEMA_SQL, SCHEMA_VERSION } from './schema.ts';
import type { EmailRow, EmailKind } from './rows.ts';

export type { EmailRow, EmailKind } from './rows.ts';

export type RecordModule = 'Contacts' | 'Deals';
export const RECORD_MODULES: readonly RecordModule[] = ['Contacts', 'Deals'];

export interface ModuleRow {
  org_id: string;
  api_name: string;
  id: string;
  singular_label: string;
  plural_label: string;
}
export interface StageRow {
  org_id: string;
  id: string;
  actual_value: string;
  display_value: string;
  sequence_number: number;
  forecast_type: 'Open' | 'Closed Won' | 'Closed Lost';
  forecast_category: string;
  probability: number;
}
export interface OAuthClientRow {
  client_id: string;
  client_secret: string;
  org_id: string;
}
export interface RefreshTokenRow {
  token: string;
  client_id: string;
  user_id: string;
  org_id: string;
  scope: string;
}
export interface AccessTokenRow {
  token: string;
  user_id: string;
  org_id: string;
  client_id: string | null;
  refresh_token: string | null;
  issued_at: number;
  /** Set when a newer token of the same refresh token exceeded the live-token limit. */
  revoked_at?: number | null;
}
export interface DealRow {
  org_id: string;
  id: string;
  deal_name: string;
  stage: string;
  contact_id: string | null;
  modified_time: string;
  data: string;
}
export interface ContactRow {
  org_id: string;
  id: string;
  full_name: string;
  email: string | null;
  owner_id: string;
  data: string;
}

/** Which emails a list shows, from Get Emails' `type` parameter (docs/zoho-notes.md §7). */
export interface EmailFilter {
  kinds: readonly EmailKind[];
  /** Only this mailbox (type=user_emails). */
  ownerId?: string;
}

/** The emails a record's list shows (filed under it, or for a deal linked to it), under a filter. */
function emailsOfRecordWhere(module: string): string {
  const underRecord =
    module === 'Deals'
      ? `(e.linked_deal_id = @recordId OR EXISTS (SELECT 1 FROM email_records r WHERE r.org_id = e.org_id
           AND r.message_id = e.message_id AND r.module = @module AND r.record_id = @recordId))`
      : `EXISTS (SELECT 1 FROM email_records r WHERE r.org_id = e.org_id AND r.message_id = e.message_id
           AND r.module = @module AND r.record_id = @recordId)`;
  return `e.org_id = @orgId AND ${underRecord}
            AND e.kind IN (SELECT value FROM json_each(@kinds))
            AND (@ownerId IS NULL OR e.owner_id = @ownerId)`;
}

function emailsOfRecordParams(orgId: string, module: string, recordId: string, filter: EmailFilter) {
  return { orgId, module, recordId, kinds: JSON.stringify(filter.kinds), ownerId: filter.ownerId ?? null };
}

export class Store {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA_SQL);
    // Databases written before tokens could be revoked lack the column.
    const tokenColumns = this.db.prepare('PRAGMA table_info(access_tokens)').all() as { name: string }[];
    if (!tokenColumns.some((c) => c.name === 'revoked_at'))
      this.db.exec('ALTER TABLE access_tokens ADD COLUMN revoked_at INTEGER');
    this.db
      .prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)')
      .run('schema_version', String(SCHEMA_VERSION));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` as one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  isEmpty(): boolean {
    return this.db.prepare('SELECT 1 FROM orgs LIMIT 1').get() === undefined;
  }

  /** Deletes every org's data (records, emails, metadata), keeping orgs, users and OAuth rows. */
  clearData(): void {
    this.tx(() => {
      for (const table of DATA_TABLES) this.db.prepare(`DELETE FROM ${table}`).run();
    });
  }

  // ---------------------------------------------------------------- orgs, users, modules, stages

  getOrg(orgId: string): ZohoOrg | undefined {
    const row = this.db.prepare('SELECT data FROM orgs WHERE id = ?').get(orgId) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ZohoOrg) : undefined;
  }

  getUser(orgId: string, userId: string): ZohoUser | undefined {
    const row = this.db.prepare('SELECT data FROM users WHERE org_id = ? AND id = ?').get(orgId, userId) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ZohoUser) : undefined;
  }

  /** `{name, id}` of a user, as Zoho shows an owner. */
  userRef(orgId: string, userId: string): { name: string; id: string } | undefined {
    const row = this.db.prepare('SELECT id, full_name FROM users WHERE org_id = ? AND id = ?').get(orgId, userId) as
      { id: string; full_name: string } | undefined;
    return row ? { name: row.full_name, id: row.id } : undefined;
  }

  getModule(orgId: string, apiName: string): ModuleRow | undefined {
    return this.db.prepare('SELECT * FROM modules WHERE org_id = ? AND api_name = ?').get(orgId, apiName) as
      ModuleRow | undefined;
  }

  listModules(orgId: string): ModuleRow[] {
    return this.db.prepare('SELECT * FROM modules WHERE org_id = ? ORDER BY api_name').all(orgId) as ModuleRow[];
  }

  /** The Deals Stage picklist, in pipeline order. */
  listStages(orgId: string): StageRow[] {
    return this.db.prepare('SELECT * FROM stages WHERE org_id = ? ORDER BY sequence_number').all(orgId) as StageRow[];
  }

  // ---------------------------------------------------------------- OAuth

  findClient(clientId: string): OAuthClientRow | undefined {
    return this.db.prepare('SELECT * FROM oauth_clients WHERE client_id = ?').get(clientId) as
      OAuthClientRow | undefined;
  }

  findRefreshToken(token: string): RefreshTokenRow | undefined {
    return this.db.prepare('SELECT * FROM refresh_tokens WHERE token = ?').get(token) as RefreshTokenRow | undefined;
  }

  insertAccessToken(row: AccessTokenRow): void {
    this.db
      .prepare(
        'INSERT INTO access_tokens(token, user_id, org_id, client_id, refresh_token, issued_at) VALUES (@token, @user_id, @org_id, @client_id, @refresh_token, @issued_at)',
      )
      .run(row);
  }

  findAccessToken(token: string): AccessTokenRow | undefined {
    return this.db.prepare('SELECT * FROM access_tokens WHERE token = ?').get(token) as AccessTokenRow | undefined;
  }

  /**
   * Keeps at most `limit` live (unexpired, unrevoked) access tokens of a refresh token: the oldest
   * beyond it are revoked, so that using one is 401 INVALID_TOKEN. They still count as grants for
   * the mint limit. Returns how many were revoked.
   */
  revokeOldestTokens(refreshToken: string, limit: number, ttlSeconds: number, nowMs: number): number {
    const live = this.db
      .prepare(
        `SELECT token FROM access_tokens WHERE refresh_token = ? AND issued_at > ? AND revoked_at IS NULL
          ORDER BY issued_at DESC, rowid DESC`,
      )
      .all(refreshToken, nowMs - ttlSeconds * 1000) as { token: string }[];
    const excess = live.slice(limit);
    const revoke = this.db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE token = ?');
    this.tx(() => {
      for (const t of excess) revoke.run(nowMs, t.token);
    });
    return excess.length;
  }

  /** Grants made from one refresh token since `sinceMs` (for the token-mint limit). */
  countGrantsSince(refreshToken: string, sinceMs: number): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM access_tokens WHERE refresh_token = ? AND issued_at >= ?')
      .get(refreshToken, sinceMs) as { n: number };
    return row.n;
  }

  // ---------------------------------------------------------------- records

  getContact(orgId: string, id: string): ZohoContact | undefined {
    const row = this.db.prepare('SELECT data FROM contacts WHERE org_id = ? AND id = ?').get(orgId, id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ZohoContact) : undefined;
  }

  getDeal(orgId: string, id: string): ZohoDeal | undefined {
    const row = this.db.prepare('SELECT data FROM deals WHERE org_id = ? AND id = ?').get(orgId, id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as ZohoDeal) : undefined;
  }

  getDealRow(orgId: string, id: string): DealRow | undefined {
    return this.db.prepare('SELECT * FROM deals WHERE org_id = ? AND id = ?').get(orgId, id) as DealRow | undefined;
  }

  getRecord(orgId: string, module: RecordModule, id: string): Record<string, unknown> | undefined {
    return module === 'Contacts' ? this.getContact(orgId, id) : this.getDeal(orgId, id);
  }

  recordExists(orgId: string, module: string, id: string): boolean {
    const table = module === 'Contacts' ? 'contacts' : module === 'Deals' ? 'deals' : undefined;
    if (!table) return false;
    return this.db.prepare(`SELECT 1 FROM ${table} WHERE org_id = ? AND id = ?`).get(orgId, id) !== undefined;
  }

  /** Every record of a module, optionally only those with the given `ids` (routes sort them). */
  listAllRecords(orgId: string, module: RecordModule, ids?: readonly string[]): Record<string, unknown>[] {
    const table = module === 'Contacts' ? 'contacts' : 'deals';
    const rows = (
      ids
        ? this.db
            .prepare(`SELECT data FROM ${table} WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
            .all(orgId, JSON.stringify(ids))
        : this.db.prepare(`SELECT data FROM ${table} WHERE org_id = ?`).all(orgId)
    ) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
  }

  /** Deals where the contact is `Contact_Name` or holds a contact role, newest id first. */
  dealsOfContact(orgId: string, contactId: string): DealRow[] {
    return this.db
      .prepare(
        `SELECT * FROM deals WHERE org_id = ? AND (contact_id = ? OR id IN
           (SELECT deal_id FROM deal_contact_roles WHERE org_id = ? AND contact_id = ?))
         ORDER BY length(id) DESC, id DESC`,
      )
      .all(orgId, contactId, orgId, contactId) as DealRow[];
  }

  isDealRelatedToContact(orgId: string, dealId: string, contactId: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM deals WHERE org_id = ? AND id = ? AND (contact_id = ? OR EXISTS
             (SELECT 1 FROM deal_contact_roles r WHERE r.org_id = deals.org_id AND r.deal_id = deals.id AND r.contact_id = ?))`,
        )
        .get(orgId, dealId, contactId, contactId) !== undefined
    );
  }

  // ---------------------------------------------------------------- emails

  getEmail(orgId: string, messageId: string): EmailRow | undefined {
    return this.db.prepare('SELECT * FROM emails WHERE org_id = ? AND message_id = ?').get(orgId, messageId) as
      EmailRow | undefined;
  }

  /**
   * Whether the email shows under the record: filed under it (email_records), or, for a deal,
   * linked to it.
   */
  isEmailUnder(orgId: string, messageId: string, module: string, recordId: string): boolean {
    const filed = this.db
      .prepare('SELECT 1 FROM email_records WHERE org_id = ? AND message_id = ? AND module = ? AND record_id = ?')
      .get(orgId, messageId, module, recordId);
    if (filed) return true;
    if (module !== 'Deals') return false;
    return (
      this.db
        .prepare('SELECT 1 FROM emails WHERE org_id = ? AND message_id = ? AND linked_deal_id = ?')
        .get(orgId, messageId, recordId) !== undefined
    );
  }

  /**
   * One page of a record's emails, newest first (time descending, then message id), starting after
   * `after` (keyset paging: a position is an email, not an offset), plus whether more follow.
   */
  listEmailsOf(
    orgId: string,
    module: string,
    recordId: string,
    filter: EmailFilter,
    after: { timeMs: number; messageId: string } | null,
    limit: number,
  ): { rows: EmailRow[]; more: boolean } {
    const rows = this.db
      .prepare(
        `SELECT e.* FROM emails e
          WHERE ${emailsOfRecordWhere(module)}
            AND (@afterTime IS NULL OR e.time_ms < @afterTime OR (e.time_ms = @afterTime AND e.message_id > @afterId))
          ORDER BY e.time_ms DESC, e.message_id ASC
          LIMIT @limit`,
      )
      .all({
        ...emailsOfRecordParams(orgId, module, recordId, filter),
        afterTime: after?.timeMs ?? null,
        afterId: after?.messageId ?? null,
        limit: limit + 1,
      }) as EmailRow[];
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /**
   * Up to `limit` emails of the same list up to `upTo` (the email a page starts after) and before
   * it, nearest first: the page before starts after the 11th (for `prev_index`).
   */
  emailsUpTo(
    orgId: string,
    module: string,
    recordId: string,
    filter: EmailFilter,
    upTo: { timeMs: number; messageId: string },
    limit: number,
  ): EmailRow[] {
    return this.db
      .prepare(
        `SELECT e.* FROM emails e
          WHERE ${emailsOfRecordWhere(module)}
            AND (e.time_ms > @upToTime OR (e.time_ms = @upToTime AND e.message_id <= @upToId))
          ORDER BY e.time_ms ASC, e.message_id DESC
          LIMIT @limit`,
      )
      .all({
        ...emailsOfRecordParams(orgId, module, recordId, filter),
        upToTime: upTo.timeMs,
        upToId: upTo.messageId,
        limit,
      }) as EmailRow[];
  }

  /** Sets or clears an email's deal link. Returns the previous deal id. */
  setEmailLink(orgId: string, messageId: string, dealId: string | null): string | null {
    const before = this.db
      .prepare('SELECT linked_deal_id FROM emails WHERE org_id = ? AND message_id = ?')
      .get(orgId, messageId) as { linked_deal_id: string | null } | undefined;
    this.db
      .prepare('UPDATE emails SET linked_deal_id = ? WHERE org_id = ? AND message_id = ?')
      .run(dealId, orgId, messageId);
    return before?.linked_deal_id ?? null;
  }

  insertEmail(row: EmailRow): void {
    this.db
      .prepare(
        `INSERT INTO emails (org_id, message_id, owner_id, kind, sent, time, time_ms, subject, from_addr, to_addrs, cc_addrs,
          reply_to, status, read, source, summary, intent, sentiment_info, emotion, thread_id, has_attachment,
          has_thread_attachment, attachments, content, mail_format, original_message_id, linked_deal_id)
         VALUES (@org_id, @message_id, @owner_id, @kind, @sent, @time, @time_ms, @subject, @from_addr, @to_addrs, @cc_addrs,
          @reply_to, @status, @read, @source, @summary, @intent, @sentiment_info, @emotion, @thread_id, @has_attachment,
          @has_thread_attachment, @attachments, @content, @mail_format, @original_message_id, @linked_deal_id)`,
      )
      .run(row);
  }

  /** Lists an email under a record (idempotent). */
  fileEmailUnder(orgId: string, messageId: string, module: string, recordId: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO email_records(org_id, message_id, module, record_id) VALUES (?, ?, ?, ?)')
      .run(orgId, messageId, module, recordId);
  }

  /** The records an email is listed under. */
  recordsOfEmail(orgId: string, messageId: string): { module: string; record_id: string }[] {
    return this.db
      .prepare(
        'SELECT module, record_id FROM email_records WHERE org_id = ? AND message_id = ? ORDER BY module, record_id',
      )
      .all(orgId, messageId) as { module: string; record_id: string }[];
  }
}
