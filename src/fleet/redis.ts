/**
 * The connection to Redis (REDIS_URL), shared state for every replica that uses the same Zoho
 * credentials. Built so that nothing ever hangs on it: no offline queue (a command while Redis is
 * down fails at once), a timeout on every command, and reconnection in the background. The state
 * (`up`) is watched by the fleet's parts, which fall back to local limits while it is down, and is
 * reported in a metric and a log line at each change.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisSettings {
  url: string;
  /** Every command fails after this long (ms) rather than wait. */
  commandTimeoutMs?: number;
  /** A prefix for every key of this gateway. */
  keyPrefix?: string;
}

export interface RedisConnection {
  readonly client: Redis;
  readonly prefix: string;
  /** Connected and answering. */
  up(): boolean;
  /** Called with the new state at each change. */
  onChange(listener: (up: boolean) => void): void;
  close(): Promise<void>;
}

export function connectRedis(settings: RedisSettings, logger?: Logger): RedisConnection {
  const client = new Redis(settings.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.commandTimeoutMs ?? 500,
    connectTimeout: 1_000,
    // Keep trying, at most every 2 s: a Redis restart must heal without the gateway's.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    lazyConnect: false,
  });
  let up = false;
  const listeners: Array<(up: boolean) => void> = [];
  const set = (next: boolean, why: string) => {
    if (next === up) return;
    up = next;
    if (next) logger?.info({ redis: 'up' }, 'Redis is reachable: fleet limits and shared state in use');
    else logger?.error({ redis: 'down', why }, 'Redis is unreachable: local limits, moves and keyed calls wait');
    for (const l of listeners) l(next);
  };
  client.on('ready', () => set(true, 'ready'));
  client.on('close', () => set(false, 'connection closed'));
  client.on('end', () => set(false, 'connection ended'));
  // ioredis reports errors as events too; without a listener they would be unhandled.
  client.on('error', (e: Error) => {
    if (up) logger?.warn({ err: { message: e.message } }, 'Redis error');
  });
  return {
    client,
    prefix: settings.keyPrefix ?? 'zgw:',
    up: () => up,
    onChange: (l) => listeners.push(l),
    close: async () => {
      client.disconnect();
      set(false, 'closed');
    },
  };
}
