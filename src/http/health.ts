/**
 * Liveness and readiness, on the gateway's own server.
 *
 * Readiness = Zoho was reachable recently, and in service mode a token is held. Probes must not
 * spend the org's daily credits, so reachability comes first from the outcome of the last real
 * call (src/observability/reachability.ts); only when nothing is known of late does a probe make
 * the one cheap call below.
 */
import type { FastifyInstance } from 'fastify';
import { resolveApiBaseUrl, type ZohoClient } from '../zoho/index.ts';
import { PROBE_TIMEOUT_MS, type ZohoReachability } from '../observability/reachability.ts';

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
