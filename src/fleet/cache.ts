/**
 * The fleet's metadata cache (the Deals module id, the Stage picklist, users' names): what one
 * replica asked Zoho for, the others read from Redis. Every command is bounded by the connection's
 * timeout; while Redis is down, get answers nothing and set does nothing, so the caller asks Zoho.
 */
import type { SharedCache } from '../zoho/index.ts';
import type { RedisConnection } from './redis.ts';

export class RedisSharedCache implements SharedCache {
  constructor(
    readonly conn: RedisConnection,
    readonly namespace: string,
  ) {}

  async get(key: string): Promise<string | null> {
    if (!this.conn.up()) return null;
    return this.conn.client.get(`${this.namespace}cache:${key}`);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (!this.conn.up()) return;
    await this.conn.client.set(`${this.namespace}cache:${key}`, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }
}
