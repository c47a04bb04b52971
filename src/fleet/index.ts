/**
 * A fleet: the replicas that use the same Zoho org, user and client, sharing through Redis
 * (REDIS_URL) what Zoho counts per org: the concurrency slots and their adaptive limit, one access
 * token (per refresh token), the daily credits, the metadata caches, and the idempotency keys and
 * move journal. docs/deployment.md says how to run one.
 *
 * A replica joins once it knows which org and user its credentials belong to (two GETs, through
 * its local share of the limit); until then, and whenever Redis is unreachable, it runs on local
 * limits, and moves and keyed calls answer STATE_STORE_UNAVAILABLE before any Zoho call (their
 * journal could not be written). It stays ready either way: readiness does not depend on Redis,
 * or a Redis outage would take every replica out of service at once.
 */
import type { Logger } from 'pino';
import { OrgCache, type ZohoClient, type ZohoConfig } from '../zoho/index.ts';
import { resolveAccountsUrl } from '../zoho/index.ts';
import { DeferredStateStore } from '../state/deferred.ts';
import { RedisStateStore } from '../state/redis.ts';
import { FleetBudget } from './budget.ts';
import { RedisSharedCache } from './cache.ts';
import { FleetCredits } from './credits.ts';
import { credentialNamespace, orgNamespace, type FleetIdentity } from './keys.ts';
import { connectRedis, type RedisConnection } from './redis.ts';
import { RedisTokenStore } from './token-store.ts';

export interface FleetSettings {
  redisUrl: string;
  expectedReplicas: number;
  slotLeaseMs: number;
  /** Seals the shared token; null: derived from the client secret. */
  tokenKey: string | null;
  /** Accept a Redis without AOF (tests, demos): the journal would not survive its restart. */
  allowNoPersistence: boolean;
  /** The most of the limit one operation may hold, per replica (GATEWAY_OPERATION_SHARE). */
  operationShare?: number;
  commandTimeoutMs?: number;
}

export interface Fleet {
  readonly conn: RedisConnection;
  readonly budget: FleetBudget;
  readonly credits: FleetCredits;
  /** Service mode only: the fleet's access token. */
  readonly tokenStore: RedisTokenStore | null;
  /** The org namespace, once joined. */
  namespace(): string | null;
  /** Learns the org and user, then shares slots, credits and caches under their namespace. */
  join(zoho: ZohoClient, onJoined: (namespace: string) => Promise<void> | void): Promise<void>;
  close(): Promise<void>;
}

export { FleetBudget, FleetCredits, RedisSharedCache, RedisTokenStore, connectRedis, orgNamespace, type FleetIdentity };

/** A view of the connection whose key prefix is one namespace. */
export function inNamespace(conn: RedisConnection, prefix: string): RedisConnection {
  return {
    client: conn.client,
    prefix,
    up: () => conn.up(),
    onChange: (l) => conn.onChange(l),
    close: () => conn.close(),
  };
}

/** Redis's persistence, as the journal needs it: AOF on. Answers what is wrong, or null. */
export async function persistenceProblem(conn: RedisConnection): Promise<string | null> {
  const info = await conn.client.info('persistence');
  const aof = /aof_enabled:(\d)/.exec(info)?.[1];
  if (aof === '1') return null;
  return 'Redis runs without AOF (appendonly no): the move journal and idempotency keys would not survive a Redis restart. Run Redis with --appendonly yes (docs/deployment.md), or set GATEWAY_REDIS_ALLOW_NO_PERSISTENCE=true where that loss is acceptable';
}

export function startFleet(settings: FleetSettings, zohoConfig: ZohoConfig, logger: Logger): Fleet {
  const conn = connectRedis(
    { url: settings.redisUrl, ...(settings.commandTimeoutMs ? { commandTimeoutMs: settings.commandTimeoutMs } : {}) },
    logger.child({ component: 'fleet' }),
  );
  const budget = new FleetBudget({
    limit: zohoConfig.concurrency,
    heavyLimit: zohoConfig.mailConcurrency,
    expectedReplicas: settings.expectedReplicas,
    leaseMs: settings.slotLeaseMs,
    ...(settings.operationShare !== undefined ? { operationShare: settings.operationShare } : {}),
    logger,
  });
  const credits = new FleetCredits();
  const accountsUrl = resolveAccountsUrl(zohoConfig);
  const tokenStore =
    zohoConfig.authMode === 'service'
      ? new RedisTokenStore(conn, {
          namespace: credentialNamespace(accountsUrl, zohoConfig.clientId!, zohoConfig.refreshToken!.reveal()),
          secret: settings.tokenKey ?? zohoConfig.clientSecret!.reveal(),
          mintLimit: zohoConfig.token.mintLimit,
          mintWindowMs: zohoConfig.token.mintWindowMs,
          liveTokenLimit: zohoConfig.token.liveTokenLimit,
          refusalCooldownMs: zohoConfig.token.mintRefusalCooldownMs,
          lockMs: zohoConfig.token.timeoutMs + 2_000,
          logger,
        })
      : null;
  let namespace: string | null = null;
  let stopped = false;

  return {
    conn,
    budget,
    credits,
    tokenStore,
    namespace: () => namespace,
    async join(zoho, onJoined) {
      for (let wait = 500; !stopped; wait = Math.min(wait * 2, 10_000)) {
        try {
          const [orgId, userId] = await Promise.all([zoho.getOrgId(), zoho.getUserId()]);
          const ns = orgNamespace({ accountsUrl, clientId: zohoConfig.clientId ?? 'token', orgId, userId });
          budget.attach(conn, ns);
          credits.attach(conn, ns);
          await onJoined(ns);
          namespace = ns;
          logger.info(
            { redis: conn.up() ? 'up' : 'down', replica: budget.replicaId },
            'joined the fleet of replicas that share this Zoho org',
          );
          return;
        } catch (e) {
          logger.warn(
            { err: { message: e instanceof Error ? e.message : String(e) }, retryInMs: wait },
            'could not yet learn the Zoho org and user to join the fleet: running on local limits',
          );
          await new Promise((r) => setTimeout(r, wait).unref());
        }
      }
    },
    async close() {
      stopped = true;
      budget.close();
      credits.close();
      await conn.close();
    },
  };
}

export interface FleetServices {
  fleet: Fleet;
  /** The idempotency keys and move journal, in Redis once the replica has joined. */
  state: DeferredStateStore;
  orgCache: OrgCache;
  /** What the Zoho client takes from the fleet. */
  clientOptions: { budget: FleetBudget; credits: FleetCredits; tokenStore?: RedisTokenStore };
  /** Joins the fleet in the background: learns the org, then shares caches and state. */
  join(zoho: ZohoClient): Promise<void>;
  /** Runs `listener` once the replica has joined (at once if it has), with the connection and namespace. */
  onJoined(listener: (conn: RedisConnection, namespace: string) => void): void;
}

/**
 * Connects to Redis and builds what the fleet shares. Before the gateway listens: a reachable
 * Redis without AOF stops the start (PersistenceError) unless allowNoPersistence; one unreachable
 * now is checked as soon as it answers, and the state stays refused until it passes.
 */
export async function startFleetServices(
  settings: FleetSettings,
  zohoConfig: ZohoConfig,
  logger: Logger,
): Promise<FleetServices> {
  const fleet = startFleet(settings, zohoConfig, logger);
  await whenUp(fleet.conn, 2_000);
  if (fleet.conn.up() && !settings.allowNoPersistence) {
    const problem = await persistenceProblem(fleet.conn).catch(() => null);
    if (problem) {
      await fleet.close();
      throw new PersistenceError(problem);
    }
  }
  const state = new DeferredStateStore(
    'redis',
    'this replica has not yet joined its fleet: it first learns which Zoho org and user its credentials belong to',
  );
  const orgCache = new OrgCache();
  let joined: string | null = null;
  const joinListeners: Array<(conn: RedisConnection, namespace: string) => void> = [];
  const useState = async () => {
    if (!joined || state.ready || !fleet.conn.up()) return;
    const problem = settings.allowNoPersistence ? null : await persistenceProblem(fleet.conn).catch(() => null);
    if (problem) {
      state.refuse(problem);
      logger.error(problem);
      return;
    }
    state.resolve(new RedisStateStore(inNamespace(fleet.conn, joined)));
  };
  fleet.conn.onChange((up) => {
    if (up) void useState();
  });
  return {
    fleet,
    state,
    orgCache,
    clientOptions: {
      budget: fleet.budget,
      credits: fleet.credits,
      ...(fleet.tokenStore ? { tokenStore: fleet.tokenStore } : {}),
    },
    join: (zoho) =>
      fleet.join(zoho, async (ns) => {
        orgCache.shared = new RedisSharedCache(fleet.conn, ns);
        joined = ns;
        for (const l of joinListeners.splice(0)) l(fleet.conn, ns);
        await useState();
      }),
    onJoined: (listener) => {
      if (joined) listener(fleet.conn, joined);
      else joinListeners.push(listener);
    },
  };
}

export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';
}

/** Resolves once Redis answers, or after `ms` in any case. */
function whenUp(conn: RedisConnection, ms: number): Promise<void> {
  if (conn.up()) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    conn.onChange((up) => {
      if (up) {
        clearTimeout(t);
        resolve();
      }
    });
  });
}
