/**
 * The concurrency budget of a fleet: the slots of Zoho's concurrency limit, and the adaptive
 * limit itself, held in Redis for every replica that uses the same Zoho org, user and client. With
 * REDIS_URL set, ZOHO_CONCURRENCY is the whole fleet's limit.
 *
 * A slot is a member of a sorted set whose score is its lease's end. Calls that outlive the lease
 * renew it (one command per replica for all its slots, every lease/3); a replica killed mid-call
 * renews nothing, and its slots come back when their leases end. The limit is a number in a hash
 * that the same AIMD rule as one replica's (src/zoho/budget.ts) lowers on a concurrency 429 and
 * raises with successes, whichever replica saw them.
 *
 * Three small Lua scripts do it, rather than a semaphore library (redis-semaphore was tried):
 * - the adaptive limit is read in the script that grants a slot, atomically with the count of
 *   slots in use; a library takes the limit as an argument and cannot;
 * - leases are timed by Redis's own clock (TIME), so a replica whose clock runs ahead cannot end
 *   the leases of the others;
 * - a mail call needs a slot of the org's limit and one of mail's lower limit: the script grants
 *   both or neither, so no call holds one while it waits for the other;
 * - one call grants slots to several waiting calls at once, and one renews all of a replica's.
 *
 * Each replica queues its own calls (the rest of the gateway sees an ordinary ConcurrencyBudget),
 * and asks Redis for slots for the head of its queue, again after each of its releases and every
 * few milliseconds while it waits. When Redis cannot be reached (or before the replica knows its
 * org) calls use a local budget of max(1, ⌊ZOHO_CONCURRENCY ÷ GATEWAY_EXPECTED_REPLICAS⌋) with
 * the same AIMD rule, so that nothing waits on Redis and the fleet as a whole stays near the limit.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AdaptiveBudget,
  deadlineError,
  type AcquireOptions,
  type BudgetSnapshot,
  type ConcurrencyBudget,
  type Feedback,
  type Permit,
  FairQueue,
  operationCap,
} from '../zoho/index.ts';
import type { RedisConnection } from './redis.ts';

/**
 * Redis's clock, in every script: `now` in ms for leases, `stamp` in µs as a string for the start of
 * a call and the last decrease, which must be told apart within a millisecond (Lua's tostring would
 * round a 16-digit number).
 */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stamp = t[1] .. string.format('%06d', tonumber(t[2]))`;

/**
 * KEYS: slots, heavy slots, limit. ARGV: lease ms, max, min, heavy limit, then (id, heavy 0/1)
 * pairs in queue order. Grants, in order, every waiter that fits. Answers {now, slots, granted
 * index...}: strings, since Redis would truncate Lua's numbers to integers.
 */
const ACQUIRE = `${NOW}
local lease = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local min = tonumber(ARGV[3])
local heavyLimit = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local value = tonumber(redis.call('HGET', KEYS[3], 'value')) or max
if value > max then value = max end
local slots = math.max(min, math.floor(value))
local used = redis.call('ZCARD', KEYS[1])
local heavyUsed = redis.call('ZCARD', KEYS[2])
local out = {stamp, tostring(slots)}
local i = 5
while i < #ARGV and used < slots do
  local heavy = ARGV[i + 1] == '1'
  if (not heavy) or heavyUsed < heavyLimit then
    redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
    used = used + 1
    if heavy then
      redis.call('ZADD', KEYS[2], now + lease, ARGV[i])
      heavyUsed = heavyUsed + 1
    end
    out[#out + 1] = tostring((i - 5) / 2)
  end
  i = i + 2
end
if #out > 2 then
  redis.call('PEXPIRE', KEYS[1], lease * 2)
  redis.call('PEXPIRE', KEYS[2], lease * 2)
end
return out`;

/**
 * KEYS: slots, heavy slots, limit. ARGV: id, feedback (ok | refused | failed), the call's start
 * (Redis µs), max, min, backoff ratio, probe rounds. Frees the slot and adapts the limit: a
 * refusal halves it once per round (only a call started after the last decrease lowers it again),
 * a success adds 1 / (limit × rounds). Answers the limit.
 */
const RELEASE = `${NOW}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local max = tonumber(ARGV[4])
local min = tonumber(ARGV[5])
local stored = tonumber(redis.call('HGET', KEYS[3], 'value'))
local value = stored or max
if value > max then value = max end
if ARGV[2] == 'refused' then
  local last = tonumber(redis.call('HGET', KEYS[3], 'decreasedAt')) or -1
  if tonumber(ARGV[3]) >= last then
    value = math.max(min, value * tonumber(ARGV[6]))
    redis.call('HSET', KEYS[3], 'decreasedAt', stamp)
    redis.call('HINCRBY', KEYS[3], 'decreases', 1)
  end
elseif ARGV[2] == 'ok' and value < max then
  value = math.min(max, value + 1 / (value * tonumber(ARGV[7])))
end
if value ~= stored then
  redis.call('HSET', KEYS[3], 'value', tostring(value))
  redis.call('PEXPIRE', KEYS[3], 86400000)
end
return tostring(value)`;

/** KEYS: slots, heavy slots. ARGV: lease ms, ids. Extends the leases still held; answers the ids whose lease had ended. */
const RENEW = `${NOW}
local lease = tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV do
  local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]))
  if score and score > now then
    redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i])
    if redis.call('ZSCORE', KEYS[2], ARGV[i]) then redis.call('ZADD', KEYS[2], 'XX', now + lease, ARGV[i]) end
  else
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
    lost[#lost + 1] = ARGV[i]
  end
end
redis.call('PEXPIRE', KEYS[1], lease * 2)
redis.call('PEXPIRE', KEYS[2], lease * 2)
return lost`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

export interface FleetBudgetSettings {
  /** The fleet's limit (ZOHO_CONCURRENCY). */
  limit: number;
  /** The fleet's limit for Zoho's heavy APIs (ZOHO_MAIL_CONCURRENCY). */
  heavyLimit: number;
  /** Replicas expected to share the limit: the local fallback takes a share of it. */
  expectedReplicas: number;
  /** A slot's lease (GATEWAY_SLOT_LEASE_MS). */
  leaseMs: number;
  /** How often a replica asks again while its calls wait for a slot. */
  retryIntervalMs?: number;
  /** The most of the limit one operation may hold, on this replica (GATEWAY_OPERATION_SHARE). */
  operationShare?: number;
  minLimit?: number;
  backoffRatio?: number;
  logger?: Logger | undefined;
}

interface Waiter {
  id: string;
  opts: AcquireOptions;
  heavy: boolean;
  operation: string;
  queuedAt: number;
  resolve: (p: Permit) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | null;
}

interface Held {
  heavy: boolean;
  operation: string;
  /** When Redis granted it, by Redis's clock (µs). */
  startedAt: string;
}

/** Waiters asked for in one script call. */
const BATCH = 16;
const PROBE_ROUNDS = 4;

export class FleetBudget implements ConcurrencyBudget {
  readonly limit: number;
  readonly #s: Required<Omit<FleetBudgetSettings, 'logger'>> & { logger: Logger | undefined };
  readonly #fallback: AdaptiveBudget;
  readonly #replica = randomBytes(6).toString('hex');
  #conn: RedisConnection | null = null;
  #keys: [string, string, string] | null = null;
  #acquire: Script | null = null;
  #release: Script | null = null;
  #renew: Script | null = null;
  readonly #queue = new FairQueue<Waiter>();
  /** Slots this replica holds for each operation (its share is capped here, per replica). */
  readonly #byOperation = new Map<string, number>();
  readonly #held = new Map<string, Held>();
  #seq = 0;
  #pumping = false;
  #wake: (() => void) | null = null;
  #renewTimer: NodeJS.Timeout | null = null;
  #slots: number;
  // What snapshot() reports, for the calls that went through Redis.
  #maxInFlight = 0;
  #acquired = 0;
  #totalWaitMs = 0;
  #maxWaitMs = 0;
  #lastWaitMs = 0;
  #lostLeases = 0;
  #fallbacks = 0;
  #decreases = 0;

  constructor(settings: FleetBudgetSettings) {
    this.#s = {
      retryIntervalMs: 5,
      operationShare: 1,
      minLimit: 1,
      backoffRatio: 0.5,
      ...settings,
      logger: settings.logger,
    };
    this.limit = settings.limit;
    this.#slots = settings.limit;
    this.#fallback = new AdaptiveBudget({
      limit: FleetBudget.localShare(settings.limit, settings.expectedReplicas),
      heavyLimit: FleetBudget.localShare(settings.heavyLimit, settings.expectedReplicas),
      operationShare: settings.operationShare ?? 1,
    });
  }

  /** A replica's share of a limit when it cannot coordinate with the others. */
  static localShare(limit: number, replicas: number): number {
    return Math.max(1, Math.floor(limit / Math.max(1, replicas)));
  }

  /** Joins the fleet's slots, under `namespace` (src/fleet/keys.ts). Until then calls use the local share. */
  attach(conn: RedisConnection, namespace: string): void {
    this.#conn = conn;
    this.#keys = [`${namespace}budget:slots`, `${namespace}budget:mail`, `${namespace}budget:limit`];
    const client = conn.client;
    client.defineCommand('zgwBudgetAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    client.defineCommand('zgwBudgetRelease', { numberOfKeys: 3, lua: RELEASE });
    client.defineCommand('zgwBudgetRenew', { numberOfKeys: 2, lua: RENEW });
    const commands = client as unknown as Record<string, Script>;
    this.#acquire = commands.zgwBudgetAcquire!.bind(client);
    this.#release = commands.zgwBudgetRelease!.bind(client);
    this.#renew = commands.zgwBudgetRenew!.bind(client);
  }

  /** This process's name in the slots it holds (for logs, and for tests that look into Redis). */
  get replicaId(): string {
    return this.#replica;
  }

  /** Whether calls go through Redis now. */
  shared(): boolean {
    return this.#keys !== null && this.#conn !== null && this.#conn.up();
  }

  effectiveLimit(): number {
    return this.shared() ? this.#slots : this.#fallback.effectiveLimit();
  }

  acquire(opts: AcquireOptions = {}): Promise<Permit> {
    if (!this.shared()) return this.#fallback.acquire(opts);
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = {
        id: `${this.#replica}:${(this.#seq++).toString(36)}`,
        opts,
        heavy: opts.heavy ?? false,
        operation: opts.operation ?? '',
        queuedAt: performance.now(),
        resolve,
        reject,
        timer: null,
      };
      if (opts.deadline != null) {
        const ms = opts.deadline - Date.now();
        if (ms <= 0) return reject(deadlineError(0));
        w.timer = setTimeout(() => {
          if (this.#remove(w)) reject(deadlineError(performance.now() - w.queuedAt));
        }, ms);
        w.timer.unref?.();
      }
      this.#queue.push(w);
      void this.#pump();
    });
  }

  #remove(w: Waiter): boolean {
    if (!this.#queue.remove(w)) return false;
    if (w.timer) clearTimeout(w.timer);
    return true;
  }

  /** Asks Redis for slots for the head of the queue until it is empty; one pump at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#wake?.();
      return;
    }
    this.#pumping = true;
    try {
      while (this.#queue.size > 0) {
        if (!this.shared()) {
          this.#toFallback('Redis is unreachable');
          return;
        }
        // The operations take turns, each within its share of the limit.
        const cap = operationCap(this.#slots, this.#s.operationShare);
        const batch = this.#queue.peek(
          BATCH,
          (w, chosen) =>
            w.operation === '' ||
            (this.#byOperation.get(w.operation) ?? 0) + chosen.filter((c) => c.operation === w.operation).length < cap,
        );
        // Every waiting operation holds its share: the next release here starts the pump again.
        if (batch.length === 0) return;
        let answer: string[];
        try {
          answer = (await this.#acquire!(
            ...this.#keys!,
            this.#s.leaseMs,
            this.limit,
            this.#s.minLimit,
            this.#s.heavyLimit,
            ...batch.flatMap((w) => [w.id, w.heavy ? '1' : '0']),
          )) as string[];
        } catch (e) {
          this.#toFallback(e instanceof Error ? e.message : String(e));
          return;
        }
        const [startedAt, slots, ...granted] = answer;
        this.#slots = Number(slots);
        for (const index of granted) this.#granted(batch[Number(index)]!, startedAt!);
        if (granted.length === 0) await this.#sleep(this.#s.retryIntervalMs);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  #granted(w: Waiter, startedAt: string): void {
    const permit = this.#permit(w.id, { heavy: w.heavy, startedAt, operation: w.operation });
    // Its deadline passed while Redis was granting it: give the slot back.
    if (!this.#queue.served(w)) return permit.release('failed');
    if (w.timer) clearTimeout(w.timer);
    const waited = performance.now() - w.queuedAt;
    this.#acquired++;
    this.#totalWaitMs += waited;
    this.#lastWaitMs = waited;
    if (waited > this.#maxWaitMs) this.#maxWaitMs = waited;
    w.resolve(permit);
  }

  #permit(id: string, held: Held): Permit {
    this.#held.set(id, held);
    this.#byOperation.set(held.operation, (this.#byOperation.get(held.operation) ?? 0) + 1);
    if (this.#held.size > this.#maxInFlight) this.#maxInFlight = this.#held.size;
    this.#startRenewing();
    let released = false;
    return {
      release: (feedback: Feedback) => {
        if (released) return;
        released = true;
        this.#held.delete(id);
        const left = (this.#byOperation.get(held.operation) ?? 1) - 1;
        if (left > 0) this.#byOperation.set(held.operation, left);
        else this.#byOperation.delete(held.operation);
        const feedbackArg = feedback === 'concurrency_refused' ? 'refused' : feedback;
        this.#release!(
          ...this.#keys!,
          id,
          feedbackArg,
          held.startedAt,
          this.limit,
          this.#s.minLimit,
          this.#s.backoffRatio,
          PROBE_ROUNDS,
        ).then(
          (value) => {
            const slots = Math.max(this.#s.minLimit, Math.floor(Number(value)));
            if (slots < this.#slots) {
              this.#decreases++;
              this.#s.logger?.info(
                { effectiveLimit: slots },
                'Zoho refused a call for concurrency: the fleet lowered its limit',
              );
            }
            this.#slots = slots;
            if (this.#queue.size) void this.#pump();
          },
          // Redis went away: the lease ends by itself.
          () => undefined,
        );
      },
    };
  }

  #startRenewing(): void {
    if (this.#renewTimer) return;
    this.#renewTimer = setInterval(
      () => {
        if (this.#held.size === 0) {
          clearInterval(this.#renewTimer!);
          this.#renewTimer = null;
          return;
        }
        this.#renew!(this.#keys![0], this.#keys![1], this.#s.leaseMs, ...this.#held.keys()).then(
          (lost) => {
            const ids = lost as string[];
            if (ids.length === 0) return;
            this.#lostLeases += ids.length;
            this.#s.logger?.warn(
              { calls: ids.length },
              'calls outlived their Redis lease (Redis was unreachable for longer than GATEWAY_SLOT_LEASE_MS): the fleet may briefly exceed its limit',
            );
          },
          () => undefined,
        );
      },
      Math.max(50, Math.floor(this.#s.leaseMs / 3)),
    );
    this.#renewTimer.unref();
  }

  /** Redis could not be asked: the waiting calls go to the local share instead. */
  #toFallback(why: string): void {
    const waiting = this.#queue.drain();
    if (waiting.length === 0) return;
    this.#fallbacks += waiting.length;
    this.#s.logger?.warn({ calls: waiting.length, why }, 'Redis could not grant slots: calls use the local share');
    for (const w of waiting) {
      if (w.timer) clearTimeout(w.timer);
      this.#fallback.acquire(w.opts).then(w.resolve, w.reject);
    }
  }

  /** Slots whose lease ended while their call ran; calls moved to the local share for lack of Redis. */
  counters(): { lostLeases: number; fallbacks: number } {
    return { lostLeases: this.#lostLeases, fallbacks: this.#fallbacks };
  }

  snapshot(): BudgetSnapshot {
    const local = this.#fallback.snapshot();
    return {
      limit: this.limit,
      effectiveLimit: this.effectiveLimit(),
      inFlight: this.#held.size + local.inFlight,
      queued: this.#queue.size + local.queued,
      maxInFlight: Math.max(this.#maxInFlight, local.maxInFlight),
      acquired: this.#acquired + local.acquired,
      totalWaitMs: this.#totalWaitMs + local.totalWaitMs,
      maxWaitMs: Math.max(this.#maxWaitMs, local.maxWaitMs),
      lastWaitMs: this.#lastWaitMs,
      decreases: this.#decreases + local.decreases,
    };
  }

  close(): void {
    if (this.#renewTimer) clearInterval(this.#renewTimer);
    this.#renewTimer = null;
  }
}
