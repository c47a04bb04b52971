/**
 * An optional quota of Zoho calls per minute for each caller (GATEWAY_CALLER_ZOHO_CALLS_PER_MINUTE):
 * an API key, a JWT subject, or a pass-through user. rate-limiter-flexible keeps the counts, in
 * memory, or in Redis for a fleet (its Redis limiter, with the in-memory one as insurance while
 * Redis is unreachable, so that no call waits on Redis).
 *
 * An operation takes its estimate from the quota before it runs, and the difference once it is
 * done (back when it made fewer calls, more when it made more). Over the quota it is refused with
 * QUOTA_EXCEEDED (HTTP 429) and when to try again.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RequestRefusedError } from '../domain/errors.ts';

const WINDOW_S = 60;

export class CallerQuota {
  readonly perMinute: number;
  #limiter: RateLimiterAbstract;
  readonly #memory: RateLimiterMemory;

  constructor(perMinute: number) {
    this.perMinute = perMinute;
    this.#memory = new RateLimiterMemory({ points: perMinute, duration: WINDOW_S, keyPrefix: 'quota' });
    this.#limiter = this.#memory;
  }

  /** Counts in Redis from now on, under `prefix`: the fleet's quota, not this replica's. */
  useRedis(client: Redis, prefix: string): void {
    this.#limiter = new RateLimiterRedis({
      storeClient: client,
      points: this.perMinute,
      duration: WINDOW_S,
      keyPrefix: `${prefix}quota`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: this.#memory,
    });
  }

  /** Takes `calls` from the caller's quota, or refuses the operation with QUOTA_EXCEEDED. */
  async take(caller: string, calls: number): Promise<void> {
    if (calls <= 0) return;
    if (calls > this.perMinute) {
      throw new RequestRefusedError(
        'QUOTA_EXCEEDED',
        `This operation would make up to ${calls} Zoho calls, more than your quota of ${this.perMinute} per minute allows at once. Split it into smaller operations.`,
        { quota: { perMinute: this.perMinute, requested: calls } },
      );
    }
    try {
      await this.#limiter.consume(caller, calls);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfterMs = Math.max(1, Math.ceil(e.msBeforeNext));
      throw new RequestRefusedError(
        'QUOTA_EXCEEDED',
        `Your quota of ${this.perMinute} Zoho calls per minute has ${Math.max(0, e.remainingPoints)} left; this operation needs up to ${calls}. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
        {
          retryAfterMs,
          quota: { perMinute: this.perMinute, requested: calls, remaining: Math.max(0, e.remainingPoints) },
        },
      );
    }
  }

  /** Settles an operation that made `actual` calls after taking `taken`. */
  async settle(caller: string, taken: number, actual: number): Promise<void> {
    const diff = actual - taken;
    if (diff > 0) await this.#limiter.penalty(caller, diff).catch(() => undefined);
    else if (diff < 0) await this.#limiter.reward(caller, -diff).catch(() => undefined);
  }
}
