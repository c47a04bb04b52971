/**
 * The concurrency budget: Zoho limits calls in flight per user and OAuth app (5–25 by edition,
 * zoho-api.md §7.2), and answers 429 beyond it. We keep at most ZOHO_CONCURRENCY calls open;
 * the rest queue and never fail for lack of a slot.
 *
 * It sits behind an interface so that a shared store (Redis) can hold it once several replicas
 * share one Zoho user; the in-memory implementation uses cockatiel's bulkhead.
 */
import { bulkhead, type BulkheadPolicy } from 'cockatiel';

export interface BudgetSnapshot {
  limit: number;
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
}

export interface ConcurrencyBudget {
  readonly limit: number;
  /** Runs `fn` once a slot is free; the slot is released when it settles. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  snapshot(): BudgetSnapshot;
}

export class InMemoryConcurrencyBudget implements ConcurrencyBudget {
  readonly limit: number;
  readonly #bulkhead: BulkheadPolicy;
  #inFlight = 0;
  #queued = 0;
  #maxInFlight = 0;
  #acquired = 0;
  #totalWaitMs = 0;
  #maxWaitMs = 0;
  #lastWaitMs = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('concurrency limit must be a positive integer');
    this.limit = limit;
    // An unbounded queue: calls over the limit wait, they are never rejected.
    this.#bulkhead = bulkhead(limit, Number.POSITIVE_INFINITY);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    this.#queued++;
    let started = false;
    try {
      return await this.#bulkhead.execute(async () => {
        started = true;
        this.#queued--;
        const waited = performance.now() - queuedAt;
        this.#acquired++;
        this.#totalWaitMs += waited;
        this.#lastWaitMs = waited;
        if (waited > this.#maxWaitMs) this.#maxWaitMs = waited;
        this.#inFlight++;
        if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
        try {
          return await fn();
        } finally {
          this.#inFlight--;
        }
      });
    } finally {
      if (!started) this.#queued--;
    }
  }

  snapshot(): BudgetSnapshot {
    return {
      limit: this.limit,
      inFlight: this.#inFlight,
      queued: this.#queued,
      maxInFlight: this.#maxInFlight,
      acquired: this.#acquired,
      totalWaitMs: this.#totalWaitMs,
      maxWaitMs: this.#maxWaitMs,
      lastWaitMs: this.#lastWaitMs,
    };
  }
}

export const createInMemoryBudget = (limit: number): ConcurrencyBudget => new InMemoryConcurrencyBudget(limit);
