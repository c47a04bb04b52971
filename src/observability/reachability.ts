/**
 * Whether Zoho answers, learned from the outcome of the last real call (the client's onCall hook);
 * only when nothing is known from the last `ttlMs` does readiness (src/http/health.ts) make one
 * cheap call itself, and concurrent probes share it. Any HTTP answer from Zoho below 500 (a 401 or
 * a 429 included) proves it reachable; a 5xx, a timeout or a refused connection does not.
 */
import type { ZohoCallEvent } from '../zoho/index.ts';

export interface Reachability {
  reachable: boolean;
  /** When it was learned (ms since epoch). */
  at: number;
  source: 'call' | 'probe';
}

/** A probe answers within this, or counts as unreachable: orchestrators time probes out fast. */
export const PROBE_TIMEOUT_MS = 3_000;

export class ZohoReachability {
  #last: Reachability | null = null;
  #probe: Promise<Reachability> | null = null;
  readonly ttlMs: number;
  readonly #now: () => number;

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The client's onCall hook: every real call tells us whether Zoho answered. */
  observe = (e: Pick<ZohoCallEvent, 'status'>): void => {
    this.#last = { reachable: e.status !== null && e.status < 500, at: this.#now(), source: 'call' };
  };

  /** What is known from the last ttlMs, without calling anyone. */
  recent(): Reachability | null {
    return this.#last && this.#now() - this.#last.at < this.ttlMs ? this.#last : null;
  }

  async current(probe: () => Promise<boolean>): Promise<Reachability> {
    const known = this.recent();
    if (known) return known;
    if (!this.#probe) {
      const run = async (): Promise<Reachability> => {
        let reachable: boolean;
        try {
          reachable = await withTimeout(probe(), PROBE_TIMEOUT_MS + 500);
        } catch {
          reachable = false;
        }
        // A real call that finished meanwhile is as good; the probe's own answer otherwise.
        const result: Reachability = { reachable, at: this.#now(), source: 'probe' };
        this.#last = result;
        return result;
      };
      this.#probe = run().finally(() => {
        this.#probe = null;
      });
    }
    return this.#probe;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('probe timed out')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
