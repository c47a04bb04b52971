/**
 * Mutations as durable operations: idempotency keys, as Stripe's API has them, and the move
 * journal's owner and lease.
 *
 * A key belongs to one caller scope and one mutation, and keeps the input's fingerprint and the
 * per-item results for GATEWAY_IDEMPOTENCY_TTL_MS (24 h). A repeat with the same key:
 * - and the same input, once the first call is done: its stored results, without any write;
 *   items that were UNKNOWN are read back first and reported as they now are;
 * - while the first call runs in this process: waits for it;
 * - while it runs in another process: IDEMPOTENCY_KEY_IN_USE, with a retry hint;
 * - after the first call was cut off by a crash (its owner's lease ran out): repairs it (a move
 *   through its journal, once no write of the dead process can still land; a link, unlink or
 *   associate by running it again, which is safe), then answers;
 * - with a different input: IDEMPOTENCY_KEY_REUSED.
 *
 * Every move is an operation, keyed or not, so that its journal has an owner and a lease.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { RequestRefusedError } from '../domain/errors.ts';
import type { JournalEntry, MutationName, OperationRecord, StateStore } from '../state/types.ts';
import type { EmailLinkResultModel } from './models.ts';

/** A move's journal, as the workflow sees it. */
export interface MoveJournal {
  /** Records the emails of the move before its first write. */
  record(entries: ReadonlyArray<Omit<JournalEntry, 'opId' | 'state' | 'result'>>): Promise<void>;
  /** An email's result is known to its caller: the entry needs no repair. */
  settle(seq: number, result: unknown): Promise<void>;
}

export interface OperationsSettings {
  store: StateStore;
  /** This process, as the owner of the operations it runs. */
  processId: string;
  now: () => number;
  /** How long a key and its results are kept. */
  keyTtlMs: number;
  /** How long an owner's lease lasts; it renews it at a third of that. */
  leaseMs: number;
  /** After its owner's last renewal, how long a dead owner's write may still land. */
  lateWriteWindowMs: number;
  logger?: Logger | undefined;
  /** Hears the items of every result a mutation answers, repeats included (the gateway's metrics). */
  onItemOutcomes?: ItemOutcomeListener | undefined;
}

/** One item of a mutation's result, as its outcome is heard. */
export type ItemOutcome = Pick<EmailLinkResultModel, 'status' | 'error'>;
export type ItemOutcomeListener = (mutation: MutationName, items: readonly ItemOutcome[]) => void;

export interface MutationCall {
  /** The caller's scope; asked for only when the call is kept (a key, or a move). */
  scope: (keyed: boolean) => Promise<string>;
  mutation: MutationName;
  input: { idempotencyKey?: string | null | undefined };
}

export interface MutationHandlers<T> {
  /** Runs the mutation (again, after a crash, for those safe to repeat). */
  run(journal: MoveJournal | null): Promise<T>;
  /** The stored result of a finished call, with its UNKNOWN items read back. */
  revisit(stored: T, finishedAt: number): Promise<T>;
  /** Repairs a move cut off by a crash, through its journal. Moves only. */
  repair?(op: OperationRecord): Promise<T>;
  /** The result as it is kept: what the client needs again, without cached Zoho records. */
  keep?(result: T): unknown;
  /** The result's items, for the listener of item outcomes: the mutations with one result per email. */
  items?(result: T): readonly ItemOutcome[];
}

/** Keys are 1 to 255 characters of printable text. */
export const MAX_KEY_LENGTH = 255;

export function newProcessId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** JSON with object keys sorted, so that the same input always gives the same fingerprint. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => k !== 'idempotencyKey' && x !== undefined && x !== null)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

export function fingerprintOf(mutation: MutationName, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([mutation, canonical(input)]))
    .digest('hex');
}

export class Operations {
  readonly #s: OperationsSettings;
  /** Operations this process is running now: a repeat of one of them waits for it. */
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(settings: OperationsSettings) {
    this.#s = settings;
  }

  get store(): StateStore {
    return this.#s.store;
  }

  get processId(): string {
    return this.#s.processId;
  }

  get settings(): Readonly<OperationsSettings> {
    return this.#s;
  }

  async run<T>(call: MutationCall, h: MutationHandlers<T>): Promise<T> {
    const key = call.input.idempotencyKey ?? null;
    if (key !== null && (key.length < 1 || key.length > MAX_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key))) {
      throw new RequestRefusedError(
        'BAD_USER_INPUT',
        `idempotencyKey must be 1 to ${MAX_KEY_LENGTH} printable characters.`,
        {
          field: 'idempotencyKey',
        },
      );
    }
    const isMove = call.mutation === 'moveEmailsToDeal';
    if (key === null && !isMove) return h.run(null);

    const scope = await call.scope(key !== null);
    const now = this.#s.now();
    const op: OperationRecord = {
      id: randomUUID(),
      scope,
      mutation: call.mutation,
      key,
      fingerprint: fingerprintOf(call.mutation, call.input),
      state: 'running',
      owner: this.#s.processId,
      leaseUntil: now + this.#s.leaseMs,
      renewedAt: now,
      createdAt: now,
      expiresAt: now + this.#s.keyTtlMs,
      input: canonical(call.input),
      result: null,
    };
    const claim = await this.#guard(() => this.#s.store.claim(op));
    if (claim.claimed) return this.#own(op, () => h.run(isMove ? this.#journal(op.id) : null), h.keep);

    const existing = claim.existing;
    if (existing.fingerprint !== op.fingerprint) {
      throw new RequestRefusedError(
        'IDEMPOTENCY_KEY_REUSED',
        `This idempotencyKey was used before with a different input for ${call.mutation}; use a new key for a new request.`,
        { field: 'idempotencyKey' },
      );
    }
    return this.#repeat(existing, h);
  }

  /** The answer to a repeat of `existing` (same caller, mutation, key and input). */
  async #repeat<T>(existing: OperationRecord, h: MutationHandlers<T>): Promise<T> {
    if (existing.state === 'done') return this.#revisit(existing, h);
    const here = this.#inFlight.get(existing.id);
    if (here) {
      await here.catch(() => undefined);
      const done = await this.#guard(() => this.#s.store.get(existing.id));
      if (done?.state === 'done') return this.#revisit(done, h);
      return this.#repeat(done ?? existing, h);
    }
    const now = this.#s.now();
    if (existing.leaseUntil > now) {
      throw new RequestRefusedError(
        'IDEMPOTENCY_KEY_IN_USE',
        'The first call with this idempotencyKey is still running in another gateway process; send it again shortly.',
        { retryAfterMs: Math.max(250, Math.min(existing.leaseUntil - now, 5_000)) },
      );
    }
    // Its owner died. A move waits until none of its writes can still land; the others are safe to run again.
    if (existing.mutation === 'moveEmailsToDeal') {
      const repairableAt = existing.renewedAt + this.#s.lateWriteWindowMs;
      if (now < repairableAt) {
        throw new RequestRefusedError(
          'IDEMPOTENCY_KEY_IN_USE',
          'The first call with this idempotencyKey was interrupted; it is repaired once none of its writes can still land.',
          { retryAfterMs: repairableAt - now },
        );
      }
    }
    const mine = await this.#guard(() =>
      this.#s.store.takeOver(existing.id, existing.owner, this.#s.processId, now + this.#s.leaseMs, now),
    );
    if (!mine) {
      const again = await this.#guard(() => this.#s.store.get(existing.id));
      if (!again)
        throw new RequestRefusedError('IDEMPOTENCY_KEY_IN_USE', 'Send the call again.', { retryAfterMs: 250 });
      return this.#repeat(again, h);
    }
    const op = { ...existing, owner: this.#s.processId };
    this.#s.logger?.warn(
      { operation: op.id, mutation: op.mutation, deadOwner: existing.owner },
      'repairing an operation cut off by its gateway process',
    );
    return this.#own(op, () => (op.mutation === 'moveEmailsToDeal' && h.repair ? h.repair(op) : h.run(null)), h.keep);
  }

  async #revisit<T>(op: OperationRecord, h: MutationHandlers<T>): Promise<T> {
    const stored = op.result as T;
    const now = h.revisit(stored, op.renewedAt);
    const result = await now;
    if (result !== stored) {
      const kept = h.keep ? h.keep(result) : result;
      await this.#guard(() => this.#s.store.finish(op.id, kept, op.expiresAt, op.renewedAt));
    }
    return result;
  }

  /** Runs `work` as this process's operation `op`, and records its result (as `keep` trims it). */
  async #own<T>(op: OperationRecord, work: () => Promise<T>, keep: (result: T) => unknown = (r) => r): Promise<T> {
    const running = (async () => {
      let result: T;
      try {
        result = await work();
      } catch (e) {
        await this.#abandon(op).catch((err: unknown) => {
          this.#s.logger?.error({ err, operation: op.id }, 'could not release an operation that failed');
        });
        throw e;
      }
      // The answer is true whether or not it could be kept: a failure to keep it is logged, not thrown.
      await this.#s.store.finish(op.id, keep(result), op.expiresAt, this.#s.now()).catch((e: unknown) => {
        this.#s.logger?.error({ err: e, operation: op.id }, 'could not record the result of an operation');
      });
      return result;
    })();
    this.#inFlight.set(op.id, running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(op.id);
    }
  }

  /**
   * The call failed without an answer (a refusal before any write, or an error of the gateway):
   * its key must not stay held by a live process, or every repeat would wait for the process to
   * die. A call that journaled nothing is forgotten, and a repeat runs afresh; a move that did
   * journal is handed to the recovery, as if its process had died now, which repairs it once none
   * of its writes can still land.
   */
  async #abandon(op: OperationRecord): Promise<void> {
    const store = this.#s.store;
    const journaled = op.mutation === 'moveEmailsToDeal' ? (await store.entries(op.id)).length > 0 : false;
    if (!journaled) return store.remove(op.id);
    const now = this.#s.now();
    await store.takeOver(op.id, op.owner, `${op.owner}:abandoned`, now, now);
  }

  #journal(opId: string): MoveJournal {
    const store = this.#s.store;
    return {
      record: (entries) =>
        this.#guard(() => store.journal(entries.map((e) => ({ ...e, opId, state: 'pending' as const, result: null })))),
      // The writes already happened: a failure to note a result must not hide it. The entry stays
      // pending, and the recovery reads the email back later.
      settle: (seq, result) =>
        store.settle(opId, seq, 'done', result).catch((e: unknown) => {
          this.#s.logger?.error({ err: e, operation: opId, seq }, 'could not note a moved email in the journal');
        }),
    };
  }

  /** Tells the listener the items of a result answered to a caller. A listener that throws fails nothing. */
  heard(mutation: MutationName, items: readonly ItemOutcome[]): void {
    try {
      this.#s.onItemOutcomes?.(mutation, items);
    } catch (e) {
      this.#s.logger?.warn({ err: e, mutation }, 'the item outcome listener failed');
    }
  }

  /** Renews the leases of the operations this process runs. */
  async renewLeases(): Promise<number> {
    const now = this.#s.now();
    return this.#s.store.renew(this.#s.processId, now + this.#s.leaseMs, now);
  }

  /** A store failure is the caller's STATE_STORE_UNAVAILABLE, raised before any Zoho call it would have guarded. */
  async #guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RequestRefusedError) throw e;
      this.#s.logger?.error({ err: e }, 'the state store failed');
      throw new RequestRefusedError(
        'STATE_STORE_UNAVAILABLE',
        "The gateway's state store cannot be written now, so moves and calls with an idempotencyKey cannot run safely. Try again shortly.",
        { retryAfterMs: 1_000 },
      );
    }
  }
}

/** What a resolver needs to run a mutation as an operation. */
export interface DurableContext {
  operations: Operations;
  callerScope(keyed: boolean): Promise<string>;
}

/**
 * Runs a mutation as a durable operation: keyed, journaled when it is a move. The items of the
 * result it answers (`handlers.items`) are heard by the operations' listener, whatever fields the
 * caller selected, a repeat's stored results included.
 */
export async function durably<T>(
  ctx: DurableContext,
  mutation: MutationName,
  input: MutationCall['input'],
  handlers: MutationHandlers<T>,
): Promise<T> {
  const result = await ctx.operations.run({ scope: (keyed) => ctx.callerScope(keyed), mutation, input }, handlers);
  if (handlers.items) ctx.operations.heard(mutation, handlers.items(result));
  return result;
}
