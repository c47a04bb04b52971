/**
 * The state store on Redis (REDIS_URL), shared by every replica that uses the same Zoho
 * credentials: idempotency keys and the move journal, as src/state/sqlite.ts keeps them in a file.
 *
 * Every method is one Redis command or one Lua script, so each is atomic against every other
 * replica: a script runs alone on the server, and it checks everything it needs before its first
 * write (Redis does not roll a script back). Indexes are kept by the same scripts that change the
 * records, so nothing ever scans the keyspace. Key layout, under `<prefix>state:`:
 *
 *   op:<id>                          hash: one operation (fields as OperationRecord; input and result as JSON)
 *   j:<id>                           hash: its journal: e:<seq> the entry as JSON, s:<seq> its state,
 *                                    r:<seq> its result as JSON, #n entries, #p pending entries
 *   key:<mutation>:<len>:<scope>:<key>  string: the id holding that idempotency key (the scope's
 *                                    length makes the name unambiguous whatever the scope holds)
 *   running                          zset: running operations, scored by leaseUntil
 *   done                             zset: finished operations, scored by expiresAt
 *   donepending                      zset: finished operations with pending entries, by createdAt
 *   owner:<owner>                    set: the running operations of one gateway process
 *   scope:<scope>                    zset: the running operations of one caller scope, by createdAt
 *   sweep                            set: finished operations touched since the last purge
 *   counts                           hash: entries and pending, over every journal
 *
 * A finished operation's hash and key expire by themselves an hour after its expiresAt, should no
 * gateway be left to purge them; running operations and journals never expire, and the store is
 * correct without any expiry (the purge removes everything itself). Redis must keep what it is
 * given: AOF on, and no eviction (`checkPersistence`, docs/idempotency.md).
 *
 * The store does not own the connection (the fleet's other parts share it): `close` only stops
 * this store. Keys are computed inside the scripts, so this needs one Redis (with replicas or
 * Sentinel), not Redis Cluster.
 */
import type { Redis } from 'ioredis';
import type { RedisConnection } from '../fleet/redis.ts';
import type { ClaimResult, JournalEntry, OperationRecord, StateStore, StateStoreStats } from './types.ts';

/** A finished operation outlives its expiresAt by this much before Redis may drop it itself. */
const EXPIRY_GRACE_MS = 3_600_000;
/** What one purge script removes at most, so that no script holds Redis for long. */
const PURGE_BATCH = 50;
/** As many as SQLite answers in one call. */
const FIND_LIMIT = 100;
/** Writes whose outcome is unknown, kept to be settled at the next renewal; beyond this the oldest are forgotten. */
const MAX_UNCERTAIN = 10_000;

/** Helpers shared by the scripts. ARGV[1] is always the store's key prefix. */
const PRELUDE = `
local P = ARGV[1]
local function opk(id) return P .. 'op:' .. id end
local function jk(id) return P .. 'j:' .. id end
local function keyk(scope, mutation, key)
  return P .. 'key:' .. mutation .. ':' .. string.len(scope) .. ':' .. scope .. ':' .. key
end
local function ownk(owner) return P .. 'owner:' .. owner end
local function scopek(scope) return P .. 'scope:' .. scope end
local COUNTS = P .. 'counts'

local function dropJournal(id)
  local j = jk(id)
  local c = redis.call('HMGET', j, '#n', '#p')
  local n = tonumber(c[1]) or 0
  local p = tonumber(c[2]) or 0
  if n ~= 0 then redis.call('HINCRBY', COUNTS, 'entries', -n) end
  if p ~= 0 then redis.call('HINCRBY', COUNTS, 'pending', -p) end
  redis.call('DEL', j)
  return n
end

-- Removes an operation, its journal and its place in every index; answers the entries removed.
local function dropOp(id)
  local f = redis.call('HMGET', opk(id), 'scope', 'mutation', 'key', 'owner')
  if f[1] then
    if f[3] then
      local k = keyk(f[1], f[2], f[3])
      if redis.call('GET', k) == id then redis.call('DEL', k) end
    end
    redis.call('SREM', ownk(f[4]), id)
    redis.call('ZREM', scopek(f[1]), id)
  end
  redis.call('ZREM', P .. 'running', id)
  redis.call('ZREM', P .. 'done', id)
  redis.call('ZREM', P .. 'donepending', id)
  redis.call('SREM', P .. 'sweep', id)
  redis.call('DEL', opk(id))
  return dropJournal(id)
end

-- A finished operation is looked at by the next purge, and found for repair while entries are pending.
local function reindexDone(id)
  local f = redis.call('HMGET', opk(id), 'state', 'createdAt')
  if f[1] ~= 'done' then return end
  redis.call('SADD', P .. 'sweep', id)
  local p = tonumber(redis.call('HGET', jk(id), '#p')) or 0
  if p > 0 then redis.call('ZADD', P .. 'donepending', f[2], id) else redis.call('ZREM', P .. 'donepending', id) end
end

-- Makes a running operation done; answers 0 when it does not exist.
local function finishOp(id, result, expiresAt, now, ttl)
  local o = opk(id)
  local f = redis.call('HMGET', o, 'state', 'scope', 'mutation', 'key', 'owner')
  if not f[1] then return 0 end
  redis.call('HSET', o, 'state', 'done', 'result', result, 'expiresAt', expiresAt, 'renewedAt', now)
  redis.call('ZREM', P .. 'running', id)
  redis.call('SREM', ownk(f[5]), id)
  redis.call('ZREM', scopek(f[2]), id)
  redis.call('ZADD', P .. 'done', expiresAt, id)
  reindexDone(id)
  redis.call('PEXPIRE', o, ttl)
  if f[4] then
    local k = keyk(f[2], f[3], f[4])
    if redis.call('GET', k) == id then redis.call('PEXPIRE', k, ttl) end
  end
  return 1
end

local function fetch(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local h = redis.call('HGETALL', opk(id))
    if #h > 0 then out[#out + 1] = h end
  end
  return out
end
`;

const SCRIPTS = {
  // ARGV: P, id, scope, mutation, key ('' when hasKey is '0'), hasKey, then the hash's fields and values.
  claim: `
local id, scope, mutation, key, hasKey = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1'
local fields = {}
for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
local rec = {}
for i = 1, #fields, 2 do rec[fields[i]] = fields[i + 1] end
local k
if hasKey then
  k = keyk(scope, mutation, key)
  local existing = redis.call('GET', k)
  if existing then
    local exp = redis.call('HGET', opk(existing), 'expiresAt')
    if exp and tonumber(exp) > tonumber(rec.createdAt) then
      return {0, redis.call('HGETALL', opk(existing))}
    end
    -- An expired key is free again (or its record already went by itself).
    if exp then dropOp(existing) end
  end
end
if redis.call('EXISTS', opk(id)) == 1 then return redis.error_reply('operation ' .. id .. ' exists') end
redis.call('HSET', opk(id), unpack(fields))
if rec.state == 'running' then
  redis.call('ZADD', P .. 'running', rec.leaseUntil, id)
  redis.call('SADD', ownk(rec.owner), id)
  redis.call('ZADD', scopek(scope), rec.createdAt, id)
else
  redis.call('ZADD', P .. 'done', rec.expiresAt, id)
  redis.call('SADD', P .. 'sweep', id)
end
if hasKey then redis.call('SET', k, id) end
return {1}
`,
  // ARGV: P, id, result, expiresAt, now, ttl
  finish: `return finishOp(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])`,
  // ARGV: P, id
  remove: `dropOp(ARGV[2]) return 1`,
  // ARGV: P, owner, leaseUntil, now
  renew: `
local ids = redis.call('SMEMBERS', ownk(ARGV[2]))
local n = 0
for _, id in ipairs(ids) do
  if redis.call('HGET', opk(id), 'state') == 'running' then
    redis.call('HSET', opk(id), 'leaseUntil', ARGV[3], 'renewedAt', ARGV[4])
    redis.call('ZADD', P .. 'running', ARGV[3], id)
    n = n + 1
  else
    redis.call('SREM', ownk(ARGV[2]), id)
  end
end
return n
`,
  // ARGV: P, id, from, to, leaseUntil, now
  takeOver: `
local id, from, to = ARGV[2], ARGV[3], ARGV[4]
local f = redis.call('HMGET', opk(id), 'owner', 'state')
if f[1] ~= from then return 0 end
redis.call('HSET', opk(id), 'owner', to, 'leaseUntil', ARGV[5], 'renewedAt', ARGV[6])
if f[2] == 'running' then
  redis.call('SREM', ownk(from), id)
  redis.call('SADD', ownk(to), id)
  redis.call('ZADD', P .. 'running', ARGV[5], id)
end
return 1
`,
  // ARGV: P, now, limit
  findRecoverable: `
local limit = tonumber(ARGV[3])
local out = fetch(redis.call('ZRANGEBYSCORE', P .. 'running', '-inf', '(' .. ARGV[2], 'LIMIT', 0, limit))
for _, h in ipairs(fetch(redis.call('ZRANGE', P .. 'donepending', 0, limit - 1))) do out[#out + 1] = h end
return out
`,
  // ARGV: P, scope, limit
  findRunningInScope: `return fetch(redis.call('ZRANGE', scopek(ARGV[2]), 0, tonumber(ARGV[3]) - 1))`,
  // ARGV: P, then per entry: opId, seq, entry JSON, state, result JSON
  journal: `
local ops = {}
for i = 2, #ARGV, 5 do
  local id = ARGV[i]
  if not ops[id] then
    if redis.call('EXISTS', opk(id)) == 0 then return redis.error_reply('no operation ' .. id) end
    ops[id] = true
  end
end
for i = 2, #ARGV, 5 do
  local id, seq, state = ARGV[i], ARGV[i + 1], ARGV[i + 3]
  local j = jk(id)
  local old = redis.call('HGET', j, 's:' .. seq)
  if not old then
    redis.call('HINCRBY', j, '#n', 1)
    redis.call('HINCRBY', COUNTS, 'entries', 1)
  elseif old == 'pending' then
    redis.call('HINCRBY', j, '#p', -1)
    redis.call('HINCRBY', COUNTS, 'pending', -1)
  end
  redis.call('HSET', j, 'e:' .. seq, ARGV[i + 2], 's:' .. seq, state, 'r:' .. seq, ARGV[i + 4])
  if state == 'pending' then
    redis.call('HINCRBY', j, '#p', 1)
    redis.call('HINCRBY', COUNTS, 'pending', 1)
  end
end
for id in pairs(ops) do reindexDone(id) end
return 1
`,
  // ARGV: P, opId, seq, state, result JSON
  settle: `
local id, seq, state = ARGV[2], ARGV[3], ARGV[4]
local j = jk(id)
local old = redis.call('HGET', j, 's:' .. seq)
if not old then return 0 end
redis.call('HSET', j, 's:' .. seq, state, 'r:' .. seq, ARGV[5])
local d = (state == 'pending' and 1 or 0) - (old == 'pending' and 1 or 0)
if d ~= 0 then
  redis.call('HINCRBY', j, '#p', d)
  redis.call('HINCRBY', COUNTS, 'pending', d)
end
reindexDone(id)
return 1
`,
  // ARGV: P, now, batch. Answers {rows removed, whether more may be left}.
  purge: `
local now, batch = ARGV[2], tonumber(ARGV[3])
local removed = 0
local expired = redis.call('ZRANGEBYSCORE', P .. 'done', '-inf', now, 'LIMIT', 0, batch)
for _, id in ipairs(expired) do removed = removed + 1 + dropOp(id) end
local swept = redis.call('SPOP', P .. 'sweep', batch)
for _, id in ipairs(swept) do
  local f = redis.call('HMGET', opk(id), 'state', 'key')
  if f[1] == 'done' then
    -- A finished move's settled entries are not needed once its result is recorded.
    local j = jk(id)
    local h = redis.call('HGETALL', j)
    local gone = 0
    for i = 1, #h, 2 do
      local field = h[i]
      if string.sub(field, 1, 2) == 's:' and h[i + 1] == 'done' then
        local seq = string.sub(field, 3)
        redis.call('HDEL', j, field, 'e:' .. seq, 'r:' .. seq)
        gone = gone + 1
      end
    end
    local left = 0
    if gone > 0 then
      left = redis.call('HINCRBY', j, '#n', -gone)
      redis.call('HINCRBY', COUNTS, 'entries', -gone)
      if left == 0 then redis.call('DEL', j) end
    else
      left = tonumber(redis.call('HGET', j, '#n')) or 0
    end
    removed = removed + gone
    -- A move without a key is not needed once all its emails are settled.
    if not f[2] and left == 0 then removed = removed + 1 + dropOp(id) end
  end
end
return {removed, (#expired == batch or #swept == batch) and 1 or 0}
`,
  // ARGV: P, id, owner. A claim whose answer was lost: dropped if it never started.
  dropUnstarted: `
local id = ARGV[2]
local f = redis.call('HMGET', opk(id), 'state', 'owner')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
if redis.call('EXISTS', jk(id)) == 1 then return 0 end
dropOp(id)
return 1
`,
  // ARGV: P, id, owner, result, expiresAt, now, ttl. A finish whose answer was lost, again.
  finishIfOwned: `
local f = redis.call('HMGET', opk(ARGV[2]), 'state', 'owner')
if f[1] ~= 'running' or f[2] ~= ARGV[3] then return 0 end
return finishOp(ARGV[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
`,
  // ARGV: P. MEMORY USAGE of every key of the store, walked through its indexes.
  bytes: `
local total = 0
local function add(k)
  local m = redis.call('MEMORY', 'USAGE', k, 'SAMPLES', 0)
  if m then total = total + m end
end
for _, name in ipairs({'running', 'done', 'donepending', 'sweep', 'counts'}) do add(P .. name) end
local owners, scopes = {}, {}
for _, zname in ipairs({'running', 'done'}) do
  for _, id in ipairs(redis.call('ZRANGE', P .. zname, 0, -1)) do
    add(opk(id))
    add(jk(id))
    local f = redis.call('HMGET', opk(id), 'scope', 'mutation', 'key', 'owner', 'state')
    if f[3] then add(keyk(f[1], f[2], f[3])) end
    if f[5] == 'running' then
      owners[f[4]] = true
      scopes[f[1]] = true
    end
  end
end
for o in pairs(owners) do add(ownk(o)) end
for s in pairs(scopes) do add(scopek(s)) end
return total
`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Reply = string | number | null | Reply[];
type ScriptClient = Record<string, (...args: Array<string | number>) => Promise<Reply>>;

const COMMAND_PREFIX = 'zgwState';
const defined = new WeakSet<Redis>();

function defineScripts(client: Redis): void {
  if (defined.has(client)) return;
  for (const [name, body] of Object.entries(SCRIPTS)) {
    client.defineCommand(`${COMMAND_PREFIX}${name}`, { numberOfKeys: 0, lua: PRELUDE + body });
  }
  defined.add(client);
}

function pairs(flat: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  const list = flat as string[];
  for (let i = 0; i < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}

const json = (v: unknown): string => JSON.stringify(v ?? null);

function toRecord(h: Record<string, string>): OperationRecord {
  return {
    id: h.id!,
    scope: h.scope!,
    mutation: h.mutation as OperationRecord['mutation'],
    key: h.key ?? null,
    fingerprint: h.fingerprint!,
    state: h.state as OperationRecord['state'],
    owner: h.owner!,
    leaseUntil: Number(h.leaseUntil),
    renewedAt: Number(h.renewedAt),
    createdAt: Number(h.createdAt),
    expiresAt: Number(h.expiresAt),
    input: JSON.parse(h.input!),
    result: h.result === undefined ? null : JSON.parse(h.result),
  };
}

type EntryBody = Omit<JournalEntry, 'opId' | 'seq' | 'state' | 'result'>;

function entryBody(e: JournalEntry): EntryBody {
  return {
    contactId: e.contactId,
    messageId: e.messageId,
    ownerId: e.ownerId,
    ownerName: e.ownerName,
    previousDealId: e.previousDealId,
    previousDealName: e.previousDealName,
    targetDealId: e.targetDealId,
    targetDealName: e.targetDealName,
    moduleId: e.moduleId,
  };
}

/** A Redis error reply: the script ran and refused, so nothing of it was written. */
const isReply = (e: unknown): boolean => e instanceof Error && e.name === 'ReplyError';

/** What Redis keeps across a restart, as far as the gateway can see. */
export interface PersistenceCheck {
  /** AOF is on (true) or off (false); null when neither CONFIG nor INFO may be read (some managed Redis). */
  aof: boolean | null;
  /** `always`, `everysec` or `no`, when CONFIG may be read. */
  appendfsync: string | null;
  /** Anything but `noeviction` lets Redis drop keys under memory pressure; null when it cannot be read. */
  maxmemoryPolicy: string | null;
  /** Where the answer came from. */
  source: 'config' | 'info' | null;
}

type Uncertain =
  { kind: 'claim'; owner: string } | { kind: 'finish'; result: string; expiresAt: number; now: number; ttl: number };

export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  readonly #client: Redis;
  readonly #prefix: string;
  #closed = false;
  /**
   * Claims and finishes whose answer was lost (a timeout, a dropped connection): they may have
   * been applied after all. A lost claim the caller was told failed would hold its key under a
   * live owner, renewed for ever; a lost finish would leave its operation running. Both are put
   * right at the next renewal, in scripts that act only if the operation is still this owner's.
   */
  readonly #uncertain = new Map<string, Uncertain>();

  constructor(connection: RedisConnection) {
    this.#client = connection.client;
    this.#prefix = `${connection.prefix}state:`;
    defineScripts(this.#client);
  }

  #open(): void {
    if (this.#closed) throw new Error('the Redis state store is closed');
  }

  async #run(name: ScriptName, ...args: Array<string | number>): Promise<Reply> {
    this.#open();
    const fn = (this.#client as unknown as ScriptClient)[`${COMMAND_PREFIX}${name}`]!;
    return fn.call(this.#client, this.#prefix, ...args);
  }

  #remember(id: string, u: Uncertain): void {
    this.#uncertain.delete(id);
    this.#uncertain.set(id, u);
    if (this.#uncertain.size > MAX_UNCERTAIN) this.#uncertain.delete(this.#uncertain.keys().next().value!);
  }

  async claim(op: OperationRecord): Promise<ClaimResult> {
    this.#open();
    const record: Record<string, string | number> = {
      id: op.id,
      scope: op.scope,
      mutation: op.mutation,
      fingerprint: op.fingerprint,
      state: op.state,
      owner: op.owner,
      leaseUntil: op.leaseUntil,
      renewedAt: op.renewedAt,
      createdAt: op.createdAt,
      expiresAt: op.expiresAt,
      input: json(op.input),
    };
    if (op.key !== null) record.key = op.key;
    if (op.result !== null && op.result !== undefined) record.result = json(op.result);
    const fields = Object.entries(record).flat();
    let reply: Reply;
    try {
      reply = await this.#run(
        'claim',
        op.id,
        op.scope,
        op.mutation,
        op.key ?? '',
        op.key === null ? '0' : '1',
        ...fields,
      );
    } catch (e) {
      if (!isReply(e)) this.#remember(op.id, { kind: 'claim', owner: op.owner });
      throw e;
    }
    const [claimed, existing] = reply as [number, Reply?];
    return claimed === 1 ? { claimed: true } : { claimed: false, existing: toRecord(pairs(existing ?? [])) };
  }

  async get(id: string): Promise<OperationRecord | null> {
    this.#open();
    const h = await this.#client.hgetall(`${this.#prefix}op:${id}`);
    return Object.keys(h).length > 0 ? toRecord(h) : null;
  }

  async finish(id: string, result: unknown, expiresAt: number, now: number): Promise<void> {
    this.#open();
    const text = json(result);
    const ttl = Math.max(0, expiresAt - now) + EXPIRY_GRACE_MS;
    try {
      await this.#run('finish', id, text, expiresAt, now, ttl);
      if (this.#uncertain.get(id)?.kind === 'finish') this.#uncertain.delete(id);
    } catch (e) {
      if (!isReply(e)) this.#remember(id, { kind: 'finish', result: text, expiresAt, now, ttl });
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    await this.#run('remove', id);
    this.#uncertain.delete(id);
  }

  async renew(owner: string, leaseUntil: number, now: number): Promise<number> {
    for (const [id, u] of [...this.#uncertain]) {
      if (u.kind === 'claim') await this.#run('dropUnstarted', id, u.owner);
      else await this.#run('finishIfOwned', id, owner, u.result, u.expiresAt, u.now, u.ttl);
      this.#uncertain.delete(id);
    }
    return (await this.#run('renew', owner, leaseUntil, now)) as number;
  }

  async takeOver(id: string, from: string, to: string, leaseUntil: number, now: number): Promise<boolean> {
    return (await this.#run('takeOver', id, from, to, leaseUntil, now)) === 1;
  }

  async findRecoverable(now: number): Promise<OperationRecord[]> {
    const rows = (await this.#run('findRecoverable', now, FIND_LIMIT)) as Reply[];
    return rows
      .map((r) => toRecord(pairs(r)))
      .sort((a, b) => a.createdAt - b.createdAt)
      .slice(0, FIND_LIMIT);
  }

  async findRunningInScope(scope: string): Promise<OperationRecord[]> {
    const rows = (await this.#run('findRunningInScope', scope, FIND_LIMIT)) as Reply[];
    return rows.map((r) => toRecord(pairs(r)));
  }

  async journal(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args: Array<string | number> = [];
    for (const e of entries) args.push(e.opId, e.seq, JSON.stringify(entryBody(e)), e.state, json(e.result));
    await this.#run('journal', ...args);
  }

  async entries(opId: string): Promise<JournalEntry[]> {
    this.#open();
    const h = await this.#client.hgetall(`${this.#prefix}j:${opId}`);
    const out: JournalEntry[] = [];
    for (const [field, body] of Object.entries(h)) {
      if (!field.startsWith('e:')) continue;
      const seq = field.slice(2);
      out.push({
        opId,
        seq: Number(seq),
        ...(JSON.parse(body) as EntryBody),
        state: h[`s:${seq}`] as JournalEntry['state'],
        result: JSON.parse(h[`r:${seq}`] ?? 'null'),
      });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async settle(opId: string, seq: number, state: JournalEntry['state'], result: unknown): Promise<void> {
    await this.#run('settle', opId, seq, state, json(result));
  }

  async purge(now: number): Promise<number> {
    let removed = 0;
    // In batches, each one script: every operation goes with all its index entries at once.
    for (;;) {
      const [n, more] = (await this.#run('purge', now, PURGE_BATCH)) as [number, number];
      removed += n;
      if (more === 0) return removed;
    }
  }

  async stats(): Promise<StateStoreStats> {
    this.#open();
    const p = this.#prefix;
    const replies = await this.#client
      .multi()
      .zcard(`${p}running`)
      .zcard(`${p}done`)
      .hmget(`${p}counts`, 'entries', 'pending')
      .exec();
    if (!replies) throw new Error('the Redis state store could not read its counts');
    for (const [err] of replies) if (err) throw err;
    const running = replies[0]![1] as number;
    const done = replies[1]![1] as number;
    const [entries, pending] = replies[2]![1] as Array<string | null>;
    return {
      operations: running + done,
      runningOperations: running,
      journalEntries: Number(entries ?? 0),
      pendingEntries: Number(pending ?? 0),
      bytes: null,
    };
  }

  /**
   * The store's exact size in Redis' memory: MEMORY USAGE of each of its keys, summed in one
   * script. It walks every operation and every field, so it holds Redis for about 15 to 30 ms per
   * thousand operations (docs/idempotency.md): for a benchmark or an operator's question, never
   * for every scrape, which is why `stats().bytes` is null.
   */
  async memoryUsage(): Promise<number> {
    return (await this.#run('bytes')) as number;
  }

  /**
   * Whether Redis keeps the journal across a restart: AOF on (read with CONFIG GET, or INFO
   * persistence where a managed Redis refuses CONFIG), and how it fsyncs and evicts. Rejects
   * when Redis cannot be reached.
   */
  async checkPersistence(): Promise<PersistenceCheck> {
    this.#open();
    const refused = (e: unknown) => {
      if (isReply(e)) return null;
      throw e;
    };
    const viaConfig = await this.#readConfig().catch(refused);
    if (viaConfig) return viaConfig;
    const info = await this.#client
      .info('persistence')
      .then(async (persistence) => `${persistence}\n${await this.#client.info('memory')}`)
      .catch(refused);
    const field = (name: string) =>
      info === null ? null : (new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? null);
    const aof = field('aof_enabled');
    return {
      aof: aof === null ? null : aof === '1',
      appendfsync: null,
      maxmemoryPolicy: field('maxmemory_policy'),
      source: aof === null ? null : 'info',
    };
  }

  async #readConfig(): Promise<PersistenceCheck | null> {
    const read = async (name: string) => ((await this.#client.config('GET', name)) as string[])[1] ?? null;
    const aof = await read('appendonly');
    // A proxy may answer CONFIG GET with nothing rather than refuse it.
    if (aof === null) return null;
    return {
      aof: aof === 'yes',
      appendfsync: await read('appendfsync'),
      maxmemoryPolicy: await read('maxmemory-policy'),
      source: 'config',
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#uncertain.clear();
  }
}
