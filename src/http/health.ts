/**
 * Liveness and readiness, on the gateway's own server.
 *
 * Readiness = Zoho was reachable recently, and in service mode a token is held. Probes must not
 * spend the org's daily credits, so reachability comes first from the outcome of the last real
 * call (the client's onCall hook); only when nothing is known from the last `ttlMs` does a probe
 * make one cheap call itself, and concurrent probes share it. Any HTTP answer from Zoho below 500
 * (a 401 or a 429 included) proves it reachable; a 5xx, a timeout or a refused connection does not.
 */
import type { FastifyInstance } from 'fastify';
import { resolveApiBaseUrl, type ZohoCallEvent, type ZohoClient } from '../zoho/index.ts';

export interface Reachability {
  reachable: boolean;
  /** When it was learned (ms since epoch). */
  at: number;
  source: 'call' | 'probe';
}

/** A probe answers within this, or counts as unreachable: orchestrators time probes out fast. */
const PROBE_TIMEOUT_MS = 3_000;

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

/**
 * The one cheap call. With credentials of its own the client asks `GET /org` (it also fetches a
 * token if none is held); in pass-through mode there are none, so an unauthenticated request
 * proves the host answers, and costs no credit at all.
 */
export function zohoProbe(zoho: ZohoClient): () => Promise<boolean> {
  if (zoho.mode === 'passthrough') {
    return async () => {
      const url = `${resolveApiBaseUrl(zoho.config)}/crm/v8/org`;
      const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.body?.cancel();
      return res.status < 500;
    };
  }
  return async () => {
    try {
      await zoho.request({ method: 'GET', route: '/org', idempotent: false, timeoutMs: PROBE_TIMEOUT_MS });
      return true;
    } catch (e) {
      const status = (e as { status?: unknown }).status;
      return typeof status === 'number' && status < 500;
    }
  };
}

export interface HealthOptions {
  zoho: ZohoClient;
  reachability: ZohoReachability;
  /** True once shutdown has begun: not ready, so load balancers stop sending work. */
  stopping: () => boolean;
}

export function registerHealthRoutes(app: FastifyInstance, opts: HealthOptions): void {
  const probe = zohoProbe(opts.zoho);
  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', async (_req, reply) => {
    if (opts.stopping()) return reply.code(503).send({ status: 'stopping' });
    const zoho = await opts.reachability.current(probe);
    const token = opts.zoho.mode === 'service' ? opts.zoho.hasToken() : null;
    const ready = zoho.reachable && token !== false;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      zoho: { reachable: zoho.reachable, checkedAt: new Date(zoho.at).toISOString(), source: zoho.source },
      ...(token !== null ? { tokenHeld: token } : {}),
    });
  });
}
