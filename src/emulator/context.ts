/** What every emulator route and pipeline stage is given, and the per-request state of a /crm call. */
import type { EmulatorClock } from './clock.ts';
import type { ConfigHolder } from './config.ts';
import type { CrmCaller } from './http/auth.ts';
import type { Behaviours } from './http/behaviour-state.ts';
import type { Stats } from './http/stats.ts';
import type { Store } from './store/index.ts';

export interface EmulatorContext {
  store: Store;
  config: ConfigHolder;
  stats: Stats;
  /** State of the limits and faults stages (http/behaviours.ts). */
  behaviours: Behaviours;
  /** What token expiry, the mint and credit windows read instead of Date.now (clock.ts). */
  clock: EmulatorClock;
  /** Clears and reseeds every org (admin reset). */
  reseed(): void;
}

/** Per-request state of a /crm call, set by the pipeline's first stages. */
export interface CrmRequestState {
  /** Templated route key, as counted in stats. */
  routeKey: string;
  /** Set by the token check (stage 3). */
  caller: CrmCaller | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    crm: CrmRequestState | null;
  }
}
