/**
 * Test helper: an emulator on an ephemeral port with an in-memory database (or a given file),
 * a way to get fresh access tokens, and a small fetch wrapper that sends Zoho's auth header.
 *
 *   const emu = await startTestEmulator();
 *   afterAll(() => emu.close());
 *   const res = await emu.api('GET', '/crm/v8/Contacts/5843104000005878180/Emails');
 *   res.status, res.body (parsed JSON, or undefined for an empty body), res.text, res.headers
 */
import {
  DEMO_CREDENTIALS,
  startEmulator,
  type RunningEmulator,
  type StartEmulatorOptions,
} from '../../src/emulator/index.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  /** Raw body text ('' for a 204). */
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: T;
}

export interface ApiOptions {
  /** JSON body (sent with content-type application/json), or a raw string with `contentType`. */
  body?: unknown;
  contentType?: string;
  /** An access token to use instead of the helper's default one; null sends no Authorization. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestEmulator extends RunningEmulator {
  /** A fresh access token through Zoho's refresh-token grant (counted in tokenGrants). */
  refreshToken(): Promise<string>;
  /** A fresh access token minted through `POST /__emulator/tokens`. */
  mintToken(refreshToken?: string): Promise<string>;
  /** The token `api()` uses by default (minted once at start). */
  token: string;
  /** A /crm call (or any path) with `Authorization: Zoho-oauthtoken <token>`. */
  api<T = any>(method: string, path: string, opts?: ApiOptions): Promise<ApiResponse<T>>;
  /** An admin call under /__emulator (JSON in, JSON out). */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
}

async function toResponse<T>(res: Response): Promise<ApiResponse<T>> {
  const text = await res.text();
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

export async function startTestEmulator(opts: StartEmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ port: 0, db: ':memory:', ...opts });

  const admin = async <T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(emu.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return toResponse<T>(res);
  };

  const mintToken = async (refreshToken?: string): Promise<string> => {
    const res = await admin<{ access_token: string }>(
      'POST',
      '/__emulator/tokens',
      refreshToken ? { refreshToken } : undefined,
    );
    if (res.status !== 200) throw new Error(`minting a token failed: ${res.status} ${res.text}`);
    return res.body.access_token;
  };

  const refreshToken = async (): Promise<string> => {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: DEMO_CREDENTIALS.clientId,
      client_secret: DEMO_CREDENTIALS.clientSecret,
      refresh_token: DEMO_CREDENTIALS.refreshToken,
    });
    const res = await fetch(`${emu.url}/oauth/v2/token`, { method: 'POST', body: form });
    const json = (await res.json()) as { access_token?: string };
    if (!json.access_token) throw new Error(`refresh-token grant failed: ${res.status} ${JSON.stringify(json)}`);
    return json.access_token;
  };

  const token = await mintToken();
  // Tests start from zero: the setup token is not one of theirs.
  emu.stats.reset();

  const api = async <T = any>(method: string, path: string, opts: ApiOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const tok = opts.token === undefined ? token : opts.token;
    if (tok !== null) headers.authorization = `Zoho-oauthtoken ${tok}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      if (typeof opts.body === 'string' && opts.contentType) body = opts.body;
      else body = JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
    }
    return toResponse<T>(await fetch(emu.url + path, { method, headers, body }));
  };

  return Object.assign(emu, { refreshToken, mintToken, token, api, admin });
}
