import type { ZohoAuthMode } from '../config.ts';
import type { CredentialProvider } from './types.ts';

/**
 * A token we cannot renew: ZOHO_ACCESS_TOKEN (token mode) or a caller's own token (passthrough).
 * A 401 is handed back as it is; there is nothing to refresh.
 */
export class StaticTokenProvider implements CredentialProvider {
  readonly mode: ZohoAuthMode;
  readonly #token: string;
  constructor(token: string, mode: ZohoAuthMode) {
    this.#token = token;
    this.mode = mode;
  }
  async getToken(): Promise<string> {
    return this.#token;
  }
  async refreshAfterRejection(): Promise<string | null> {
    return null;
  }
  apiDomain(): string | null {
    return null;
  }
}
