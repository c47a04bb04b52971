/**
 * The calls waiting for a slot, served in turn across operations (round-robin): each operation
 * (a GraphQL request) has its own line, and the lines take turns, one call each. A request with a
 * thousand calls queued thus holds up a small one by at most one call per other operation waiting,
 * instead of a thousand. Within a line, calls keep their order.
 */
export interface Queued {
  operation: string;
}

export class FairQueue<W extends Queued> {
  /** One line per operation, in the order the operations first queued (the ring). */
  readonly #lines = new Map<string, W[]>();
  /** The operation whose turn comes next. */
  #turn: string | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(w: W): void {
    const line = this.#lines.get(w.operation);
    if (line) line.push(w);
    else this.#lines.set(w.operation, [w]);
    this.#size++;
  }

  /** Removes a waiter (its deadline passed, or it was served); false if it was not queued. */
  remove(w: W): boolean {
    const line = this.#lines.get(w.operation);
    const i = line ? line.indexOf(w) : -1;
    if (!line || i < 0) return false;
    line.splice(i, 1);
    this.#size--;
    if (line.length === 0) this.#drop(w.operation);
    return true;
  }

  /**
   * Up to `max` waiters in serving order, without removing them: the lines take turns from the
   * operation whose turn it is, each giving its first waiter that `eligible` accepts. `eligible`
   * sees the waiters chosen so far, to keep count of what it has already let through.
   */
  peek(max: number, eligible: (w: W, chosen: readonly W[]) => boolean = () => true): W[] {
    const chosen: W[] = [];
    const ops = this.#ring();
    const used = new Map<string, number>();
    for (let progress = true; progress && chosen.length < max;) {
      progress = false;
      for (const op of ops) {
        if (chosen.length >= max) break;
        const line = this.#lines.get(op)!;
        for (let i = used.get(op) ?? 0; i < line.length; i++) {
          const w = line[i]!;
          if (!eligible(w, chosen)) continue;
          chosen.push(w);
          used.set(op, i + 1);
          progress = true;
          break;
        }
      }
    }
    return chosen;
  }

  /** Removes a waiter that is being served, and passes the turn to the next operation; false if it was not queued. */
  served(w: W): boolean {
    const ops = this.#ring();
    const at = ops.indexOf(w.operation);
    if (!this.remove(w)) return false;
    const rest = this.#ring();
    if (rest.length === 0) {
      this.#turn = null;
      return true;
    }
    // The operation after the one just served, in ring order (itself again if it is alone).
    const after = ops.slice(at + 1).find((op) => this.#lines.has(op)) ?? rest[0]!;
    this.#turn = after;
    return true;
  }

  /** Every waiter, in no particular order (to move them elsewhere). */
  drain(): W[] {
    const all = [...this.#lines.values()].flat();
    this.#lines.clear();
    this.#size = 0;
    this.#turn = null;
    return all;
  }

  #drop(op: string): void {
    if (this.#turn === op) {
      const ops = [...this.#lines.keys()];
      const next = ops[(ops.indexOf(op) + 1) % ops.length];
      this.#turn = next === op ? null : (next ?? null);
    }
    this.#lines.delete(op);
  }

  /** The operations with waiters, starting with the one whose turn it is. */
  #ring(): string[] {
    const ops = [...this.#lines.keys()];
    const start = this.#turn ? ops.indexOf(this.#turn) : -1;
    return start <= 0 ? ops : [...ops.slice(start), ...ops.slice(0, start)];
  }
}
