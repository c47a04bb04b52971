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
