/**
 * The emulator's programmatic entry point: `startEmulator()` serves Zoho's accounts server
 * (`POST /oauth/v2/token`) and API (`/crm/v8/...`) on one port, plus the admin API under
 * `/__emulator`. Tests, `npm run emulator` and `npm start` all start it through here.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { EmulatorClock } from './clock.ts';
import {
  ConfigHolder,
  DEFAULT_DB_PATH,
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  parseConfigPatch,
  type EmulatorConfig,
} from './config.ts';
import { Stats } from './http/stats.ts';
import { seedAll } from './seed/index.ts';
import { Store } from './store/index.ts';

export type { EmulatorConfig, EmulatorSettings } from './config.ts';
export { DEFAULT_CONFIG, DEFAULT_DB_PATH, DEFAULT_EMULATOR_PORT, loadEmulatorSettings } from './config.ts';
export { ARTICLE, DEMO_CREDENTIALS, DEMO_SECOND_USER_ID } from './seed/index.ts';
export type { StatsSnapshot } from './http/stats.ts';
export { EmulatorClock, type ClockSnapshot } from './clock.ts';

export interface StartEmulatorOptions {
  /** Default 4010; 0 picks a free port. `npm run emulator` passes EMULATOR_PORT (loadEmulatorSettings). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file or ':memory:'; default data/emulator.sqlite. */
  db?: string;
  /** 'demo' seeds the demo org when the database is empty (the default); 'none' never seeds. */
  seed?: 'demo' | 'none';
  logger?: boolean;
  config?: Partial<EmulatorConfig>;
  /**
   * The time the emulator's clock follows (epoch ms), default Date.now; `POST /__emulator/clock`
   * and the returned `clock` move it on from there.
   */
  clock?: () => number;
}

export interface RunningEmulator {
  /** `http://host:port`: both ZOHO_API_BASE_URL and ZOHO_ACCOUNTS_URL. */
  url: string;
  port: number;
  host: string;
  store: Store;
  config: ConfigHolder;
  stats: Stats;
  /** What tokens and the mint and credit windows are dated by; `advance()` it instead of waiting. */
  clock: EmulatorClock;
  app: FastifyInstance;
  /** Clears and reseeds the demo org (as POST /__emulator/reset). */
  reseed(): void;
  close(): Promise<void>;
}

export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const initial = parseConfigPatch(opts.config ?? {});
  if (!initial.ok) throw new Error(`startEmulator: ${initial.error}`);
  const store = new Store(opts.db ?? DEFAULT_DB_PATH);
  try {
    if ((opts.seed ?? 'demo') === 'demo' && store.isEmpty()) seedAll(store);
    const config = new ConfigHolder(initial.value);
    const stats = new Stats();
    const reseed = () => seedAll(store);
    const clock = new EmulatorClock(opts.clock);
    const app = await buildApp({ store, config, stats, clock, reseed, logger: opts.logger ?? false });
    const host = opts.host ?? DEFAULT_EMULATOR_HOST;
    await app.listen({ port: opts.port ?? DEFAULT_EMULATOR_PORT, host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    let closed = false;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      host,
      store,
      config,
      stats,
      clock,
      app,
      reseed,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
