/**
 * The gateway's durable state: mutation operations (with their idempotency keys and results) and
 * the move journal, behind one interface so that a shared store (Redis, for a fleet) can hold
 * them as well as the default SQLite file.
 *
 * Every method is atomic on its own. The store knows nothing of Zoho or GraphQL: it keeps records.
 */

export type MutationName = 'linkEmailsToDeal' | 'unlinkEmailsFromDeal' | 'moveEmailsToDeal' | 'associateEmail';

/** One mutation call: running under its owner's lease, or done with its result. */
export interface OperationRecord {
  id: string;
  /** Who called: the API key's id, the JWT subject, or the Zoho org and user (pass-through). */
  scope: string;
  mutation: MutationName;
  /** The caller's idempotency key, or null for a move journaled without one. */
  key: string | null;
  /** SHA-256 of the mutation and its input (the key left out): a repeat must match it. */
  fingerprint: string;
  state: 'running' | 'done';
  /** The gateway process that runs it (or last ran it). */
  owner: string;
  /** The owner renews this while the operation runs; past it, the owner is presumed dead. */
  leaseUntil: number;
  /** The owner's last renewal: no write of a dead owner can land after this plus the late-write window. */
  renewedAt: number;
  createdAt: number;
  /** When the record (and its key) may be removed. */
  expiresAt: number;
  /** The mutation's input, for repair. */
  input: unknown;
  /** The payload answered, once done. */
  result: unknown;
}

/** One email of a move, recorded before the move's first write. */
export interface JournalEntry {
  opId: string;
  /** The email's index in the move's plan. */
  seq: number;
  contactId: string;
  messageId: string;
  ownerId: string;
  ownerName: string | null;
  /** Where the email was before the move (null: on no deal). */
  previousDealId: string | null;
  previousDealName: string | null;
  targetDealId: string;
  targetDealName: string | null;
  /** The Deals module id, mandatory in link bodies. */
  moduleId: string;
  /** pending: the move may still be working on it (or died while it was); done: its result is known. */
  state: 'pending' | 'done';
  result: unknown;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: OperationRecord };

export interface StateStoreStats {
  operations: number;
  runningOperations: number;
  journalEntries: number;
  pendingEntries: number;
  /** Size on disk or in memory, when the store can tell. */
  bytes: number | null;
}

export interface StateStore {
  readonly kind: 'sqlite' | 'redis';
  /**
   * Inserts `op` unless an unexpired operation already holds its (scope, mutation, key); then
   * answers that one instead. Operations without a key are always inserted.
   */
  claim(op: OperationRecord): Promise<ClaimResult>;
  get(id: string): Promise<OperationRecord | null>;
  /** Records the result; the operation is done (its `renewedAt` becomes `now`). */
  finish(id: string, result: unknown, expiresAt: number, now: number): Promise<void>;
  /** Drops an operation that wrote nothing and need not be remembered. */
  remove(id: string): Promise<void>;
  /** Renews the lease of every running operation of `owner`; answers how many. */
  renew(owner: string, leaseUntil: number, now: number): Promise<number>;
  /** Takes over a running operation from `from` (a dead owner, or itself); false if someone else did first. */
  takeOver(id: string, from: string, to: string, leaseUntil: number, now: number): Promise<boolean>;
  /**
   * What may need repair: running operations whose owner's lease has passed (the owner died), and
   * finished ones whose repair left entries pending (Zoho could not be read at the time).
   */
  findRecoverable(now: number): Promise<OperationRecord[]>;
  /** Operations of one caller scope that are still running, for repair in pass-through mode. */
  findRunningInScope(scope: string): Promise<OperationRecord[]>;

  journal(entries: readonly JournalEntry[]): Promise<void>;
  entries(opId: string): Promise<JournalEntry[]>;
  settle(opId: string, seq: number, state: JournalEntry['state'], result: unknown): Promise<void>;

  /** Removes expired operations and the journal of finished ones; answers how many rows went. */
  purge(now: number): Promise<number>;
  stats(): Promise<StateStoreStats>;
  close(): Promise<void>;
}

/** The store could not be read or written: moves and keyed calls cannot run safely. */
export class StateStoreUnavailableError extends Error {
  override readonly name = 'StateStoreUnavailableError';
}
