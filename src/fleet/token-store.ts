/**
 * One access token for the fleet, in Redis (SharedTokenStore, used by the service credential
 * provider: src/zoho/auth/service.ts).
 *
 * - At rest the token is sealed with AES-256-GCM under a key from the configuration
 *   (GATEWAY_TOKEN_KEY, or one derived from the client secret, which every replica has and Redis
 *   never sees). The key name is the authenticated data, so a sealed token copied under another
 *   refresh token's key does not open.
 * - Refreshes are single-flight across replicas: a lock (SET NX PX, released by its holder only)
 *   lets one replica mint; the others wait for the token it stores. A replica that comes to the
 *   lock late reads the token first, so a 401 or an expiry seen by three replicas mints once.
 * - Zoho's limits per refresh token hold for the fleet: at most `mintLimit` tokens per
 *   `mintWindowMs`, at most `liveTokenLimit` unexpired tokens (the 16th would revoke the oldest,
 *   possibly one still in use elsewhere), and a cooldown after Zoho refuses a mint.
 * - Redis unreachable: TokenStoreUnavailableError, and the provider keeps its own token.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { TokenStoreUnavailableError, ZohoError, type SharedToken, type SharedTokenStore } from '../zoho/index.ts';
import type { RedisConnection } from './redis.ts';

const TOKEN_CALL = { method: 'POST', route: '/oauth/v2/token' } as const;

export interface TokenStoreSettings {
  /** The credential namespace (src/fleet/keys.ts). */
  namespace: string;
  /** GATEWAY_TOKEN_KEY, or the client secret: the key is derived from it. */
  secret: string;
  mintLimit: number;
  mintWindowMs: number;
  liveTokenLimit: number;
  /** After Zoho refuses a mint, nobody in the fleet asks again for this long. */
  refusalCooldownMs: number;
  /** How long one mint may hold the lock (the token request's timeout, and some). */
  lockMs: number;
  logger?: Logger | undefined;
  now?: () => number;
}

/**
 * KEYS: mints, live, cooldown. ARGV: now, window ms, mint limit, live limit. Answers {0} when a
 * mint is allowed, else {retry after ms, reason}.
 */
const MINT_CHECK = `
local now = tonumber(ARGV[1])
local cooldown = redis.call('PTTL', KEYS[3])
if cooldown > 0 then return {cooldown, 'cooldown after Zoho refused a mint'} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {math.max(1, tonumber(first[2]) + tonumber(ARGV[2]) - now), 'mint limit'}
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {math.max(1, tonumber(first[2]) - now), 'live token limit'}
end
return {0}`;

/** KEYS: lock. ARGV: holder. Deletes the lock if this holder still has it. */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class RedisTokenStore implements SharedTokenStore {
  readonly #conn: RedisConnection;
  readonly #s: TokenStoreSettings;
  readonly #key: Buffer;
  readonly #k: { token: string; lock: string; mints: string; live: string; cooldown: string };
  readonly #now: () => number;
  readonly #check: Script;
  readonly #unlock: Script;

  constructor(conn: RedisConnection, settings: TokenStoreSettings) {
    this.#conn = conn;
    this.#s = settings;
    this.#now = settings.now ?? Date.now;
    const ns = settings.namespace;
    this.#k = {
      token: `${ns}token`,
      lock: `${ns}token:lock`,
      mints: `${ns}token:mints`,
      live: `${ns}token:live`,
      cooldown: `${ns}token:cooldown`,
    };
    this.#key = Buffer.from(hkdfSync('sha256', settings.secret, 'zoho-email-deal-gateway', 'fleet token store', 32));
    conn.client.defineCommand('zgwMintCheck', { numberOfKeys: 3, lua: MINT_CHECK });
    conn.client.defineCommand('zgwUnlock', { numberOfKeys: 1, lua: UNLOCK });
    const commands = conn.client as unknown as Record<string, Script>;
    this.#check = commands.zgwMintCheck!.bind(conn.client);
    this.#unlock = commands.zgwUnlock!.bind(conn.client);
  }

  async read(): Promise<SharedToken | null> {
    const sealed = await this.#redis(() => this.#conn.client.get(this.#k.token));
    return sealed ? this.#open(sealed) : null;
  }

  async refresh(stale: string | null, mint: () => Promise<SharedToken>): Promise<SharedToken> {
    const holder = randomBytes(12).toString('hex');
    const giveUpAt = this.#now() + this.#s.lockMs * 2;
    for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
      const current = await this.read();
      if (this.#usable(current, stale)) return current!;
      const locked = await this.#redis(() => this.#conn.client.set(this.#k.lock, holder, 'PX', this.#s.lockMs, 'NX'));
      if (locked === 'OK') {
        try {
          return await this.#mintLocked(stale, mint);
        } finally {
          await this.#unlock(this.#k.lock, holder).catch(() => undefined);
        }
      }
      // Another replica is minting: its token will be there in a moment.
      if (this.#now() > giveUpAt) throw new TokenStoreUnavailableError('the fleet token lock was held too long');
      await sleep(wait);
    }
  }

  async #mintLocked(stale: string | null, mint: () => Promise<SharedToken>): Promise<SharedToken> {
    const current = await this.read();
    if (this.#usable(current, stale)) return current!;
    const now = this.#now();
    const verdict = (await this.#redis(() =>
      this.#check(
        this.#k.mints,
        this.#k.live,
        this.#k.cooldown,
        now,
        this.#s.mintWindowMs,
        this.#s.mintLimit,
        this.#s.liveTokenLimit,
      ),
    )) as [number, string?];
    if (verdict[0] > 0) throw mintRefusal(verdict[0], verdict[1] ?? 'mint limit', this.#s);
    let token: SharedToken;
    try {
      token = await mint();
    } catch (e) {
      if (e instanceof ZohoError && e.kind === 'token_mint' && e.fromZoho) {
        await this.#conn.client.set(this.#k.cooldown, '1', 'PX', this.#s.refusalCooldownMs).catch(() => undefined);
      }
      throw e;
    }
    // Minted: it is this replica's now, whether or not the others can be told.
    const ttl = Math.max(1, token.expiresAt - this.#now());
    await this.#conn.client
      .multi()
      .zadd(this.#k.mints, now, `${now}:${randomBytes(4).toString('hex')}`)
      .pexpire(this.#k.mints, this.#s.mintWindowMs)
      .zadd(this.#k.live, token.expiresAt, `${now}:${randomBytes(4).toString('hex')}`)
      .pexpire(this.#k.live, ttl)
      .set(this.#k.token, this.#seal(token), 'PX', ttl)
      .exec()
      .catch((e: unknown) => {
        this.#s.logger?.warn(
          { err: { message: e instanceof Error ? e.message : String(e) } },
          'a minted token could not be stored for the fleet',
        );
      });
    return token;
  }

  #usable(t: SharedToken | null, stale: string | null): boolean {
    return t !== null && t.value !== stale && this.#now() < t.refreshAt;
  }

  async #redis<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#conn.up()) throw new TokenStoreUnavailableError('Redis is unreachable');
    try {
      return await command();
    } catch (e) {
      throw new TokenStoreUnavailableError(e instanceof Error ? e.message : String(e));
    }
  }

  #seal(t: SharedToken): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(this.#k.token));
    const body = Buffer.concat([cipher.update(JSON.stringify(t), 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The token, or null when it does not open (another key: a replica with other settings). */
  #open(sealed: string): SharedToken | null {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !body) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(this.#k.token));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const json = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      const t = JSON.parse(json) as SharedToken;
      return typeof t.value === 'string' && typeof t.expiresAt === 'number' ? t : null;
    } catch {
      this.#s.logger?.warn("the fleet's stored token does not open with this replica's GATEWAY_TOKEN_KEY: ignoring it");
      return null;
    }
  }
}

function mintRefusal(retryAfterMs: number, why: string, s: TokenStoreSettings): ZohoError {
  const after = Math.max(0, Math.ceil(retryAfterMs));
  const reason =
    why === 'mint limit'
      ? `the fleet minted ${s.mintLimit} tokens in the last ${Math.round(s.mintWindowMs / 1000)} s`
      : why === 'live token limit'
        ? `the fleet holds ${s.liveTokenLimit} unexpired tokens`
        : why;
  return new ZohoError({
    kind: 'token_mint',
    code: 'OAUTH_MINT_LIMIT',
    message: `Not minting another Zoho access token now: ${reason}`,
    phase: 'not_sent',
    details: { refusedBy: 'fleet', retryAfterMs: after },
    retryAfterMs: after,
    call: TOKEN_CALL,
  });
}
