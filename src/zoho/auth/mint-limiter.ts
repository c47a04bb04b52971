/**
 * Zoho mints at most 10 access tokens per refresh token per 10 minutes (docs/zoho-notes.md §3; the v5
 * text says the 11th deletes the first). We count the tokens Zoho issued, and refuse locally
 * before Zoho would; after Zoho itself refuses one we stop asking for a while. Failed attempts (an
 * accounts server that answers 5xx or not at all) issue nothing and are never counted: counting
 * them would lock the gateway out for minutes after a short outage.
 */
import { ZohoError, type ZohoCall } from '../errors.ts';

export class MintLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #mints: number[] = [];
  #refusedUntil = 0;

  constructor(opts: { limit: number; windowMs: number; cooldownMs: number; now?: () => number }) {
    this.#limit = opts.limit;
    this.#windowMs = opts.windowMs;
    this.#cooldownMs = opts.cooldownMs;
    this.#now = opts.now ?? Date.now;
  }

  /** Tokens issued in the current window. */
  count(): number {
    this.#prune();
    return this.#mints.length;
  }

  /** Throws OAUTH_MINT_LIMIT when asking for another token now would exceed the limit. */
  check(call: ZohoCall): void {
    const now = this.#now();
    this.#prune();
    if (now < this.#refusedUntil) {
      throw this.#error(call, this.#refusedUntil - now, 'cooldown after Zoho refused a mint');
    }
    if (this.#mints.length >= this.#limit) {
      throw this.#error(
        call,
        this.#mints[0]! + this.#windowMs - now,
        `${this.#limit} tokens minted in the last ${Math.round(this.#windowMs / 1000)} s`,
      );
    }
  }

  /** Zoho issued a token. */
  issued(): void {
    this.#mints.push(this.#now());
  }

  /** Zoho refused a mint: stop asking for the cooldown. */
  refused(): void {
    this.#refusedUntil = this.#now() + this.#cooldownMs;
  }

  #prune(): void {
    const cutoff = this.#now() - this.#windowMs;
    while (this.#mints.length && this.#mints[0]! <= cutoff) this.#mints.shift();
  }

  #error(call: ZohoCall, retryAfterMs: number, why: string): ZohoError {
    const after = Math.max(0, Math.ceil(retryAfterMs));
    return new ZohoError({
      kind: 'token_mint',
      code: 'OAUTH_MINT_LIMIT',
      message: `Not minting another Zoho access token now: ${why}`,
      phase: 'not_sent',
      details: { refusedBy: 'client', retryAfterMs: after },
      retryAfterMs: after,
      call,
    });
  }
}
