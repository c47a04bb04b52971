/**
 * Helpers for the client's integration tests: an emulator on an ephemeral port, its admin API
 * over HTTP, and a client pointed at it with short timeouts and backoffs.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import {
  DEMO_CREDENTIALS,
  startEmulator,
  type EmulatorConfig,
  type RunningEmulator,
} from '../../src/emulator/index.ts';
import {
  createZohoClient,
  type ZohoClient,
  type ZohoClientOptions,
  type ZohoConfigInput,
} from '../../src/zoho/index.ts';

export { ARTICLE, DEMO_CREDENTIALS } from '../../src/emulator/index.ts';

export interface Stats {
  requests: Record<string, number>;
  maxInFlight: number;
  rejected: Record<string, number>;
  tokenGrants: number;
}

export interface FaultSpec {
  route?: string;
  mode?: 'status' | 'timeout' | 'reset';
  status?: number;
  phase?: 'before' | 'after';
  count?: number;
  rate?: number;
}

export class Admin {
  constructor(readonly url: string) {}
  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  config(patch: Partial<EmulatorConfig>) {
    return this.#call('PUT', '/config', patch);
  }
  fault(spec: FaultSpec) {
    return this.#call('POST', '/faults', spec);
  }
  clearFaults() {
    return this.#call('DELETE', '/faults');
  }
  async stats(): Promise<Stats> {
    return (await this.#call('GET', '/stats')) as Stats;
  }
  resetStats() {
    return this.#call('POST', '/stats/reset');
  }
  reset() {
    return this.#call('POST', '/reset');
  }
  /** Moves the emulator's clock (`/__emulator/clock`): how a test lets tokens expire without waiting. */
  advanceClock(advanceMs: number) {
    return this.#call('POST', '/clock', { advanceMs });
  }
  resetClock() {
    return this.#call('DELETE', '/clock');
  }
  /** A fresh token for the demo user, or for another user or org (`{org: 'second'}`, `{user: id}`). */
  async token(who?: { org?: string; user?: string; refreshToken?: string }): Promise<{
    access_token: string;
    refresh_token: string;
    client_id: string;
    client_secret: string;
    org_id?: string;
    user_id?: string;
  }> {
    return (await this.#call('POST', '/tokens', who)) as never;
  }
}

export interface TestEmulator {
  emu: RunningEmulator;
  url: string;
  admin: Admin;
  close(): Promise<void>;
}

export async function startTestEmulator(config: Partial<EmulatorConfig> = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ port: 0, db: ':memory:', config });
  return { emu, url: emu.url, admin: new Admin(emu.url), close: () => emu.close() };
}

/** Fast settings for tests: short backoffs and timeouts. */
export const FAST: ZohoConfigInput = {
  timeoutMs: 2_000,
  retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 40, maxTotalMs: 5_000 },
};

/** A service-mode client on the emulator's demo credentials. */
export function serviceClient(
  url: string,
  overrides: ZohoConfigInput = {},
  options: ZohoClientOptions = {},
): ZohoClient {
  return createZohoClient(
    {
      apiBaseUrl: url,
      accountsUrl: url,
      authMode: 'service',
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      refreshToken: DEMO_CREDENTIALS.refreshToken,
      ...FAST,
      ...overrides,
      retry: { ...FAST.retry, ...overrides.retry },
    },
    options,
  );
}

/** A pino logger at the most verbose level, writing every line into a string buffer. */
export function captureLogger(): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => chunks.join('') };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
