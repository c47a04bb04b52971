/**
 * What watches the gateway: its metrics and its knowledge of whether Zoho answers. Both learn from
 * the Zoho client's hooks, which are fixed when the client is built, so the telemetry is created
 * first and handed to both the client (zohoClientOptions) and the gateway (createGateway).
 */
import type { Logger } from 'pino';
import { createInMemoryBudget, type ZohoClientHooks, type ZohoClientOptions, type ZohoConfig } from '../zoho/index.ts';
import { GatewayMetrics } from './metrics.ts';
import { ZohoReachability } from './reachability.ts';

export interface Telemetry {
  metrics: GatewayMetrics;
  reachability: ZohoReachability;
}

export function createTelemetry(opts: { readyCacheMs?: number; defaultMetrics?: boolean } = {}): Telemetry {
  return {
    metrics: new GatewayMetrics({ defaultMetrics: opts.defaultMetrics ?? true }),
    reachability: new ZohoReachability({ ttlMs: opts.readyCacheMs ?? 60_000 }),
  };
}

/** Client options that feed the telemetry: hooks, and budgets whose waits are measured. */
export function zohoClientOptions(
  t: Telemetry,
  config: Pick<ZohoConfig, 'concurrency'> & { mailConcurrency?: number; operationShare?: number },
  logger?: Logger,
  /** A fleet's budget, credits and token store (src/fleet/), instead of this process's own. */
  fleet: Pick<ZohoClientOptions, 'budget' | 'credits' | 'tokenStore' | 'reads'> = {},
): ZohoClientOptions {
  const m = t.metrics.zohoHooks();
  const hooks: ZohoClientHooks = {
    onCall: (e) => {
      m.onCall(e);
      t.reachability.observe(e);
    },
    onTokenRefresh: m.onTokenRefresh,
    onRateLimited: m.onRateLimited,
  };
  return {
    hooks,
    ...(logger ? { logger } : {}),
    ...fleet,
    budget: t.metrics.observedBudget(
      config.concurrency,
      fleet.budget ?? createInMemoryBudget(config.concurrency, config.mailConcurrency, config.operationShare),
    ),
    callerBudget: () =>
      t.metrics.observedBudget(
        config.concurrency,
        createInMemoryBudget(config.concurrency, config.mailConcurrency, config.operationShare),
      ),
  };
}
