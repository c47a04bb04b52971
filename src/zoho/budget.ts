/**
 * The concurrency budget: Zoho limits the calls in flight per user and OAuth app (5 to 25 by
 * edition, and 10 for its heavy APIs, mail among them: docs/zoho-notes.md §14), and answers 429
 * beyond it. The budget keeps the calls in flight at or under an effective limit; the rest queue,
 * and never fail for lack of a slot, only when the request's deadline passes while they wait.
 *
 * The effective limit adapts, as TCP's congestion window and Netflix's concurrency-limits do
 * (AIMD): it starts at ZOHO_CONCURRENCY; a 429 that Zoho answered for concurrency halves it
 * (once per round: only a call started after the last decrease can decrease it again); and every
 * call answered without one raises it a little, so that four full rounds of successes add one
 * slot, up to ZOHO_CONCURRENCY. Neighbours that share the org's limit (other integrations, other
 * replicas) thus push the gateway down to what is left for it, and it climbs back when they go.
 *
 * Calls wait in one line per operation (a GraphQL request), and the lines take turns
 * (fair-queue.ts), so that a request with a thousand calls queued cannot starve a small one; and
 * one operation holds at most a share of the slots (GATEWAY_OPERATION_SHARE), so that some are
 * free for the next request to arrive. Calls of no operation (the recovery, start-up) have no cap.
 *
 * It sits behind an interface so that a shared store (Redis) can hold the slots and the limit
 * for a fleet of replicas: src/fleet/budget.ts.
 */
import { ZohoError } from './errors.ts';
import { FairQueue } from './fair-queue.ts';

export interface BudgetSnapshot {
  /** The configured maximum (ZOHO_CONCURRENCY). */
  limit: number;
  /** The limit in force now, after Zoho's 429s lowered it. */
  effectiveLimit: number;
  inFlight: number;
  queued: number;
  /** The most calls ever in flight at once. */
  maxInFlight: number;
  /** Calls that have been granted a slot. */
  acquired: number;
  /** Sum and maximum of the time calls waited for a slot. */
  totalWaitMs: number;
  maxWaitMs: number;
  lastWaitMs: number;
  /** Times Zoho's concurrency 429s lowered the limit. */
  decreases: number;
}

export interface AcquireOptions {
  /** A call to one of Zoho's heavy APIs (mail): it also needs a slot of their lower limit. */
  heavy?: boolean | undefined;
  /** When to stop waiting (epoch ms); null or absent: as long as it takes. */
  deadline?: number | null | undefined;
  /** Whose call it is (the GraphQL request): the fair share serves operations in turn. */
  operation?: string | undefined;
}

/** How the call that held a slot went, for the limit to adapt. */
export type Feedback = 'ok' | 'concurrency_refused' | 'failed';

export interface Permit {
  release(feedback: Feedback): void;
}

export interface ConcurrencyBudget {
  /** The configured maximum. */
  readonly limit: number;
  effectiveLimit(): number;
  /** A slot, once one is free; rejects (a `deadline` ZohoError, nothing sent) when the deadline passes first. */
  acquire(opts?: AcquireOptions): Promise<Permit>;
  snapshot(): BudgetSnapshot;
}

export interface BudgetSettings {
  /** The most calls in flight (ZOHO_CONCURRENCY). */
  limit: number;
  /** The most calls in flight to Zoho's heavy APIs (mail), within `limit`. */
  heavyLimit?: number;
  /** The effective limit never goes below this. */
  minLimit?: number;
  /** Multiplicative decrease on a concurrency 429. */
  backoffRatio?: number;
  /** The most of the effective limit one operation may hold (0 to 1; GATEWAY_OPERATION_SHARE). */
  operationShare?: number;
  now?: () => number;
}

/** The slots one operation may hold out of `slots`, with `share` of them its cap. */
export function operationCap(slots: number, share: number): number {
  return Math.max(1, Math.floor(slots * share));
}

/**
 * Rounds of successes per added slot. Each added slot is a probe that Zoho answers with a 429 once
 * the org's limit is reached; probing every fourth round keeps those to a few per cent of calls,
 * and still recovers from half the limit to all of it within a few seconds of traffic.
 */
const PROBE_ROUNDS = 4;

/** The AIMD rule alone: a limit that a concurrency refusal halves and successes raise. */
export class AimdLimit {
  #value: number;
  readonly #max: number;
  readonly #min: number;
  readonly #ratio: number;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  decreases = 0;

  constructor(max: number, min = 1, ratio = 0.5) {
    this.#max = max;
    this.#min = Math.min(min, max);
    this.#ratio = ratio;
    this.#value = max;
  }

  get value(): number {
    return this.#value;
  }

  /** Whole slots. */
  get slots(): number {
    return Math.max(this.#min, Math.floor(this.#value));
  }

  /** A call started at `startedAt` was refused for concurrency at `now`. */
  refused(startedAt: number, now: number): void {
    // Calls that were already in flight when the limit last fell tell nothing new.
    if (startedAt < this.#lastDecreaseAt) return;
    this.#value = Math.max(this.#min, this.#value * this.#ratio);
    this.#lastDecreaseAt = now;
    this.decreases++;
  }

  succeeded(): void {
    if (this.#value < this.#max) this.#value = Math.min(this.#max, this.#value + 1 / (this.#value * PROBE_ROUNDS));
  }

  /** Adopts a value decided elsewhere (a fleet's shared limit). */
  set(value: number): void {
    this.#value = Math.min(this.#max, Math.max(this.#min, value));
  }
}

interface Waiter {
  heavy: boolean;
  operation: string;
  queuedAt: number;
  grant: (p: Permit) => void;
  timer: NodeJS.Timeout | null;
}

export function deadlineError(waitedMs: number): ZohoError {
  return new ZohoError({
    kind: 'deadline',
    code: 'DEADLINE_EXCEEDED',
    message: `The request's deadline passed while its Zoho call waited ${Math.round(waitedMs)} ms for a slot in Zoho's concurrency limit`,
    phase: 'not_sent',
    retryAfterMs: 1_000,
  });
}

export class AdaptiveBudget implements ConcurrencyBudget {
  readonly limit: number;
  readonly aimd: AimdLimit;
  readonly #heavyLimit: number;
  readonly #share: number;
  readonly #now: () => number;
  readonly #queue = new FairQueue<Waiter>();
  /** Slots held by each operation now. */
  readonly #byOperation = new Map<string, number>();
  #inFlight = 0;
  #heavyInFlight = 0;
  #maxInFlight = 0;
  #acquired = 0;
  #totalWaitMs = 0;
  #maxWaitMs = 0;
  #lastWaitMs = 0;

  constructor(s: BudgetSettings) {
    if (!Number.isInteger(s.limit) || s.limit < 1) throw new RangeError('concurrency limit must be a positive integer');
    this.limit = s.limit;
    this.aimd = new AimdLimit(s.limit, s.minLimit ?? 1, s.backoffRatio ?? 0.5);
    this.#heavyLimit = Math.min(s.heavyLimit ?? s.limit, s.limit);
    this.#share = s.operationShare ?? 1;
    this.#now = s.now ?? Date.now;
  }

  effectiveLimit(): number {
    return this.aimd.slots;
  }

  acquire(opts: AcquireOptions = {}): Promise<Permit> {
    const heavy = opts.heavy ?? false;
    const operation = opts.operation ?? '';
    const queuedAt = performance.now();
    if (this.#queue.size === 0 && this.#fits(heavy, operation))
      return Promise.resolve(this.#grant(heavy, operation, queuedAt));
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = { heavy, operation, queuedAt, grant: resolve, timer: null };
      if (opts.deadline != null) {
        const ms = opts.deadline - this.#now();
        if (ms <= 0) return reject(deadlineError(0));
        w.timer = setTimeout(() => {
          this.#queue.remove(w);
          reject(deadlineError(performance.now() - queuedAt));
        }, ms);
        w.timer.unref?.();
      }
      this.#queue.push(w);
      // The waiters ahead may be held for a heavy slot, or by their operation's cap: this one may still fit.
      this.#dispatch();
    });
  }

  #fits(heavy: boolean, operation: string): boolean {
    const slots = this.aimd.slots;
    return (
      this.#inFlight < slots &&
      (!heavy || this.#heavyInFlight < this.#heavyLimit) &&
      (operation === '' || (this.#byOperation.get(operation) ?? 0) < operationCap(slots, this.#share))
    );
  }

  #grant(heavy: boolean, operation: string, queuedAt: number): Permit {
    const waited = performance.now() - queuedAt;
    this.#acquired++;
    this.#totalWaitMs += waited;
    this.#lastWaitMs = waited;
    if (waited > this.#maxWaitMs) this.#maxWaitMs = waited;
    this.#inFlight++;
    if (heavy) this.#heavyInFlight++;
    this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
    const startedAt = this.#now();
    let released = false;
    return {
      release: (feedback) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        if (heavy) this.#heavyInFlight--;
        const held = (this.#byOperation.get(operation) ?? 1) - 1;
        if (held > 0) this.#byOperation.set(operation, held);
        else this.#byOperation.delete(operation);
        if (feedback === 'concurrency_refused') this.aimd.refused(startedAt, this.#now());
        else if (feedback === 'ok') this.aimd.succeeded();
        this.#dispatch();
      },
    };
  }

  /**
   * Grants queued calls while slots are free, the operations taking turns; a call held for a heavy
   * slot, or by its operation's cap, waits without blocking the others.
   */
  #dispatch(): void {
    while (this.#inFlight < this.aimd.slots) {
      const [w] = this.#queue.peek(1, (x) => this.#fits(x.heavy, x.operation));
      if (!w) return;
      this.#queue.served(w);
      if (w.timer) clearTimeout(w.timer);
      w.grant(this.#grant(w.heavy, w.operation, w.queuedAt));
    }
  }

  snapshot(): BudgetSnapshot {
    return {
      limit: this.limit,
      effectiveLimit: this.aimd.slots,
      inFlight: this.#inFlight,
      queued: this.#queue.size,
      maxInFlight: this.#maxInFlight,
      acquired: this.#acquired,
      totalWaitMs: this.#totalWaitMs,
      maxWaitMs: this.#maxWaitMs,
      lastWaitMs: this.#lastWaitMs,
      decreases: this.aimd.decreases,
    };
  }
}

export const createInMemoryBudget = (limit: number, heavyLimit?: number, operationShare?: number): ConcurrencyBudget =>
  new AdaptiveBudget({
    limit,
    ...(heavyLimit !== undefined ? { heavyLimit } : {}),
    ...(operationShare !== undefined ? { operationShare } : {}),
  });

/** Zoho's heavy APIs that the gateway calls: mail (Emails, associate_email, email_available). */
export function isHeavyRoute(route: string): boolean {
  return /\/Emails\b|\/associate_email$|\/email_available$/.test(route);
}
