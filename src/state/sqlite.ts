/**
 * The state store in a SQLite file (better-sqlite3), the default: one file in the gateway's data
 * folder (GATEWAY_STATE_DB), or `:memory:`. WAL mode and IMMEDIATE transactions make it safe for
 * several gateway processes on one machine sharing the file; claims are atomic.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ClaimResult, JournalEntry, OperationRecord, StateStore, StateStoreStats } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS operations (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  mutation TEXT NOT NULL,
  idem_key TEXT,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  renewed_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  input TEXT NOT NULL,
  result TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS operations_key ON operations (scope, mutation, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS operations_running ON operations (state, lease_until);
CREATE INDEX IF NOT EXISTS operations_expiry ON operations (expires_at);
CREATE TABLE IF NOT EXISTS journal (
  op_id TEXT NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  contact_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  owner_name TEXT,
  previous_deal_id TEXT,
  previous_deal_name TEXT,
  target_deal_id TEXT NOT NULL,
  target_deal_name TEXT,
  module_id TEXT NOT NULL,
  state TEXT NOT NULL,
  result TEXT,
  PRIMARY KEY (op_id, seq)
);
CREATE INDEX IF NOT EXISTS journal_pending ON journal (state, op_id);
`;

interface OperationRow {
  id: string;
  scope: string;
  mutation: OperationRecord['mutation'];
  idem_key: string | null;
  fingerprint: string;
  state: OperationRecord['state'];
  owner: string;
  lease_until: number;
  renewed_at: number;
  created_at: number;
  expires_at: number;
  input: string;
  result: string | null;
}

interface JournalRow {
  op_id: string;
  seq: number;
  contact_id: string;
  message_id: string;
  owner_id: string;
  owner_name: string | null;
  previous_deal_id: string | null;
  previous_deal_name: string | null;
  target_deal_id: string;
  target_deal_name: string | null;
  module_id: string;
  state: JournalEntry['state'];
  result: string | null;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function toRecord(r: OperationRow): OperationRecord {
  return {
    id: r.id,
    scope: r.scope,
    mutation: r.mutation,
    key: r.idem_key,
    fingerprint: r.fingerprint,
    state: r.state,
    owner: r.owner,
    leaseUntil: r.lease_until,
    renewedAt: r.renewed_at,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    input: parse(r.input),
    result: parse(r.result),
  };
}

function toEntry(r: JournalRow): JournalEntry {
  return {
    opId: r.op_id,
    seq: r.seq,
    contactId: r.contact_id,
    messageId: r.message_id,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    previousDealId: r.previous_deal_id,
    previousDealName: r.previous_deal_name,
    targetDealId: r.target_deal_id,
    targetDealName: r.target_deal_name,
    moduleId: r.module_id,
    state: r.state,
    result: parse(r.result),
  };
}

export class SqliteStateStore implements StateStore {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    // Pages freed by the purge go back to the file system (set before the first table exists).
    this.#db.pragma('auto_vacuum = INCREMENTAL');
    if (path !== ':memory:') this.#db.pragma('journal_mode = WAL');
    // Another gateway process may hold the write lock for a moment: wait rather than fail.
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
  }

  async claim(op: OperationRecord): Promise<ClaimResult> {
    const tx = this.#db.transaction((): ClaimResult => {
      if (op.key !== null) {
        const row = this.#db
          .prepare('SELECT * FROM operations WHERE scope = ? AND mutation = ? AND idem_key = ?')
          .get(op.scope, op.mutation, op.key) as OperationRow | undefined;
        if (row && row.expires_at > op.createdAt) return { claimed: false, existing: toRecord(row) };
        // An expired key is free again.
        if (row) this.#db.prepare('DELETE FROM operations WHERE id = ?').run(row.id);
      }
      this.#db
        .prepare(
          `INSERT INTO operations (id, scope, mutation, idem_key, fingerprint, state, owner, lease_until, renewed_at,
             created_at, expires_at, input, result)
           VALUES (@id, @scope, @mutation, @key, @fingerprint, @state, @owner, @leaseUntil, @renewedAt, @createdAt,
             @expiresAt, @input, NULL)`,
        )
        .run({ ...op, input: JSON.stringify(op.input) });
      return { claimed: true };
    });
    return tx.immediate();
  }

  async get(id: string): Promise<OperationRecord | null> {
    const row = this.#db.prepare('SELECT * FROM operations WHERE id = ?').get(id) as OperationRow | undefined;
    return row ? toRecord(row) : null;
  }

  async finish(id: string, result: unknown, expiresAt: number, now: number): Promise<void> {
    this.#db
      .prepare("UPDATE operations SET state = 'done', result = ?, expires_at = ?, renewed_at = ? WHERE id = ?")
      .run(JSON.stringify(result), expiresAt, now, id);
  }

  async remove(id: string): Promise<void> {
    this.#db.prepare('DELETE FROM operations WHERE id = ?').run(id);
  }

  async renew(owner: string, leaseUntil: number, now: number): Promise<number> {
    return this.#db
      .prepare("UPDATE operations SET lease_until = ?, renewed_at = ? WHERE owner = ? AND state = 'running'")
      .run(leaseUntil, now, owner).changes;
  }

  async takeOver(id: string, from: string, to: string, leaseUntil: number, now: number): Promise<boolean> {
    return (
      this.#db
        .prepare('UPDATE operations SET owner = ?, lease_until = ?, renewed_at = ? WHERE id = ? AND owner = ?')
        .run(to, leaseUntil, now, id, from).changes === 1
    );
  }

  async findRecoverable(now: number): Promise<OperationRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM operations
          WHERE (state = 'running' AND lease_until < @now)
             OR (state = 'done' AND EXISTS (SELECT 1 FROM journal j WHERE j.op_id = operations.id AND j.state = 'pending'))
          ORDER BY created_at LIMIT 100`,
      )
      .all({ now }) as OperationRow[];
    return rows.map(toRecord);
  }

  async findRunningInScope(scope: string): Promise<OperationRecord[]> {
    const rows = this.#db
      .prepare("SELECT * FROM operations WHERE scope = ? AND state = 'running' ORDER BY created_at LIMIT 100")
      .all(scope) as OperationRow[];
    return rows.map(toRecord);
  }

  async journal(entries: readonly JournalEntry[]): Promise<void> {
    const insert = this.#db.prepare(
      `INSERT OR REPLACE INTO journal (op_id, seq, contact_id, message_id, owner_id, owner_name, previous_deal_id,
         previous_deal_name, target_deal_id, target_deal_name, module_id, state, result)
       VALUES (@opId, @seq, @contactId, @messageId, @ownerId, @ownerName, @previousDealId, @previousDealName,
         @targetDealId, @targetDealName, @moduleId, @state, @result)`,
    );
    this.#db.transaction(() => {
      for (const e of entries) insert.run({ ...e, result: e.result === null ? null : JSON.stringify(e.result) });
    })();
  }

  async entries(opId: string): Promise<JournalEntry[]> {
    const rows = this.#db.prepare('SELECT * FROM journal WHERE op_id = ? ORDER BY seq').all(opId) as JournalRow[];
    return rows.map(toEntry);
  }

  async settle(opId: string, seq: number, state: JournalEntry['state'], result: unknown): Promise<void> {
    this.#db
      .prepare('UPDATE journal SET state = ?, result = ? WHERE op_id = ? AND seq = ?')
      .run(state, JSON.stringify(result), opId, seq);
  }

  async purge(now: number): Promise<number> {
    const tx = this.#db.transaction(() => {
      // A move's settled journal is not needed once its result is recorded.
      const entries = this.#db
        .prepare(
          `DELETE FROM journal WHERE state = 'done'
             AND op_id IN (SELECT id FROM operations WHERE state = 'done')`,
        )
        .run().changes;
      // Done, no longer needed: expired, or a move run without a key whose emails are all settled.
      const ops = this.#db
        .prepare(
          `DELETE FROM operations WHERE state = 'done'
             AND (expires_at <= @now
                  OR (idem_key IS NULL AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.op_id = operations.id)))`,
        )
        .run({ now }).changes;
      return entries + ops;
    });
    const removed = tx.immediate();
    if (removed > 0) {
      this.#db.pragma('incremental_vacuum');
      if (this.#path !== ':memory:') this.#db.pragma('wal_checkpoint(TRUNCATE)');
    }
    return removed;
  }

  async stats(): Promise<StateStoreStats> {
    const count = (sql: string) => (this.#db.prepare(sql).get() as { n: number }).n;
    let bytes: number | null;
    if (this.#path !== ':memory:') {
      try {
        bytes = statSync(this.#path).size + (statSync(`${this.#path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
      } catch {
        bytes = null;
      }
    } else {
      const pages = this.#db.pragma('page_count', { simple: true }) as number;
      const size = this.#db.pragma('page_size', { simple: true }) as number;
      bytes = pages * size;
    }
    return {
      operations: count('SELECT COUNT(*) AS n FROM operations'),
      runningOperations: count("SELECT COUNT(*) AS n FROM operations WHERE state = 'running'"),
      journalEntries: count('SELECT COUNT(*) AS n FROM journal'),
      pendingEntries: count("SELECT COUNT(*) AS n FROM journal WHERE state = 'pending'"),
      bytes,
    };
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
