/**
 * The org's daily credits, shared by the fleet: the last X-API-CREDITS-REMAINING any replica saw,
 * and the moment Zoho said they were spent. A replica answers from its own copy (no Redis call on
 * a Zoho call's path); it tells Redis what it learns (at once when the credits run out, at most
 * every `syncMs` otherwise) and reads what the others learned every `syncMs`.
 */
import { LocalCredits, type CreditsLedger } from '../zoho/index.ts';
import type { RedisConnection } from './redis.ts';

export class FleetCredits implements CreditsLedger {
  readonly #local = new LocalCredits();
  #conn: RedisConnection | null = null;
  #key = '';
  #pending: { remaining: number; at: number } | null = null;
  #timer: NodeJS.Timeout | null = null;

  remaining(): number | null {
    return this.#local.remaining();
  }

  observe(remaining: number): void {
    this.#local.observe(remaining);
    this.#pending = { remaining, at: Date.now() };
  }

  exhaustedUntil(): number {
    return this.#local.exhaustedUntil();
  }

  exhausted(until: number): void {
    this.#local.exhausted(until);
    if (this.#conn?.up()) {
      // The greater of the two wins: a replica with an older answer cannot shorten the wait.
      void this.#conn.client
        .eval(
          "local c = tonumber(redis.call('HGET', KEYS[1], 'exhaustedUntil')) or 0 if tonumber(ARGV[1]) > c then redis.call('HSET', KEYS[1], 'exhaustedUntil', ARGV[1]) end redis.call('PEXPIRE', KEYS[1], 172800000) return 1",
          1,
          this.#key,
          String(until),
        )
        .catch(() => undefined);
    }
  }

  attach(conn: RedisConnection, namespace: string, syncMs = 1_000): void {
    this.#conn = conn;
    this.#key = `${namespace}credits`;
    this.#timer = setInterval(() => void this.sync(), syncMs);
    this.#timer.unref();
  }

  /** Tells Redis the latest count seen here, and takes what the others saw. */
  async sync(): Promise<void> {
    const conn = this.#conn;
    if (!conn?.up()) return;
    const mine = this.#pending;
    this.#pending = null;
    try {
      if (mine) {
        await conn.client.eval(
          "local at = tonumber(redis.call('HGET', KEYS[1], 'at')) or 0 if tonumber(ARGV[2]) >= at then redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'at', ARGV[2]) end redis.call('PEXPIRE', KEYS[1], 172800000) return 1",
          1,
          this.#key,
          String(mine.remaining),
          String(mine.at),
        );
      }
      const [remaining, until] = await conn.client.hmget(this.#key, 'remaining', 'exhaustedUntil');
      if (remaining != null && !mine) this.#local.observe(Number(remaining));
      if (until != null) this.#local.exhausted(Number(until));
    } catch {
      // Redis went away: the local copy stands, and the next sync tries again.
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
