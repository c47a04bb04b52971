import type { ZohoAuthMode } from '../config.ts';

/** Where a call's access token comes from. Implementations never log or expose the token. */
export interface CredentialProvider {
  readonly mode: ZohoAuthMode;
  /** A token to send now (service mode refreshes it first when it is expired or nearly so). */
  getToken(): Promise<string>;
  /**
   * Called once per call after Zoho answered 401 INVALID_TOKEN to `stale`: a token to retry with
   * once, or null when no other token can be had (token and passthrough modes).
   */
  refreshAfterRejection(stale: string): Promise<string | null>;
  /** The `api_domain` that came with the current token, if any. */
  apiDomain(): string | null;
}

/** An access token as a fleet shares it. */
export interface SharedToken {
  value: string;
  apiDomain: string | null;
  /** When to renew (expiry minus margin) and when it really expires, in epoch ms. */
  refreshAt: number;
  expiresAt: number;
}

/**
 * Where replicas that use the same refresh token keep one access token (src/fleet/token-store.ts).
 * Both methods throw TokenStoreUnavailableError when the store cannot be reached: the provider then
 * keeps the token it holds, or mints one on its own.
 */
export interface SharedTokenStore {
  /** The fleet's token, or null when it has none. */
  read(): Promise<SharedToken | null>;
  /**
   * A fresh token for the fleet. Under the fleet's lock: the token another replica stored
   * meanwhile, if it is not `stale` and not due for renewal; otherwise `mint()`'s, once the fleet's
   * mint limits allow it (else a ZohoError OAUTH_MINT_LIMIT), stored for the others.
   */
  refresh(stale: string | null, mint: () => Promise<SharedToken>): Promise<SharedToken>;
}

export class TokenStoreUnavailableError extends Error {
  override readonly name = 'TokenStoreUnavailableError';
}
