/**
 * The emulator's clock, read by everything it dates: token expiry, the token-mint window, the
 * live-token limit, the rolling 24-hour credit window and an inbound email's default time.
 *
 * It is real time plus an offset that only moves when asked (`POST /__emulator/clock`, or
 * `clock.advance()` in process), so a test can let an hour-long token expire without waiting an
 * hour, or a second. Time keeps flowing from wherever it was set. Latency and held connections stay
 * on real time: they exist to make calls overlap, not to date anything.
 */

export interface ClockSnapshot {
  /** The emulator's now, epoch ms. */
  nowMs: number;
  /** The same, ISO 8601. */
  now: string;
  /** How far the emulator's clock is ahead of its time source (negative: behind). */
  offsetMs: number;
}

/** A change asked of the clock through the admin API. */
export type ClockChange = { advanceMs: number } | { nowMs: number };

export class EmulatorClock {
  readonly #source: () => number;
  #offsetMs = 0;

  /** `source` is the time the clock follows (epoch ms): Date.now unless a test brings its own. */
  constructor(source: () => number = Date.now) {
    this.#source = source;
  }

  /** Epoch ms. A property, so that it can be handed on as a plain `() => number`. */
  readonly now = (): number => this.#source() + this.#offsetMs;

  advance(ms: number): ClockSnapshot {
    this.#offsetMs += ms;
    return this.snapshot();
  }

  set(nowMs: number): ClockSnapshot {
    this.#offsetMs = nowMs - this.#source();
    return this.snapshot();
  }

  /** Back to the time source (admin `DELETE /__emulator/clock` and the full reset). */
  reset(): ClockSnapshot {
    this.#offsetMs = 0;
    return this.snapshot();
  }

  apply(change: ClockChange): ClockSnapshot {
    return 'advanceMs' in change ? this.advance(change.advanceMs) : this.set(change.nowMs);
  }

  snapshot(): ClockSnapshot {
    const nowMs = this.now();
    return { nowMs, now: new Date(nowMs).toISOString(), offsetMs: this.#offsetMs };
  }
}

/**
 * Reads `{"advanceMs": N}` (N ≥ 0: the clock never runs backwards by accident) or `{"nowMs": N}`
 * (epoch ms, any moment from 1970 on, earlier than now included); exactly one of them.
 */
export function parseClockChange(body: unknown): { ok: true; value: ClockChange } | { ok: false; error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'expected a JSON object {"advanceMs": N} or {"nowMs": N}' };
  }
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => k !== 'advanceMs' && k !== 'nowMs');
  if (unknown.length > 0) return { ok: false, error: `unknown key "${unknown[0]}": give advanceMs or nowMs` };
  if (keys.length !== 1) return { ok: false, error: 'give exactly one of advanceMs and nowMs' };
  const key = keys[0] as 'advanceMs' | 'nowMs';
  const value = (body as Record<string, unknown>)[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, error: `${key} must be a whole number of milliseconds, 0 or more` };
  }
  return { ok: true, value: key === 'advanceMs' ? { advanceMs: value } : { nowMs: value } };
}
