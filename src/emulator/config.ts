/**
 * The emulator's configuration, in one place:
 * - its environment variables (EMULATOR_*), read here and nowhere else in src/emulator/, once, by
 *   `npm run emulator` and `npm run emulator:reset` (an embedded emulator gets its port and
 *   database from the gateway's own configuration, src/config.ts);
 * - its run-time knobs (`PUT /__emulator/config`, CONTRACT.md). One mutable holder per running
 *   emulator; every stage of the pipeline reads the current values on each request, so a change
 *   applies at once (a new `accessTokenTtlSeconds` also re-dates tokens already issued).
 */
import { z } from 'zod';

/** Where the emulator listens and keeps its data when nothing says otherwise. */
export const DEFAULT_EMULATOR_PORT = 4010;
export const DEFAULT_EMULATOR_HOST = '127.0.0.1';
export const DEFAULT_DB_PATH = 'data/emulator.sqlite';

/** Every environment variable the emulator's own processes read (docs/emulator.md, CONTRACT.md). */
export const EMULATOR_ENV_VARS = ['EMULATOR_PORT', 'EMULATOR_DB', 'EMULATOR_HOST', 'EMULATOR_LOG'] as const;

export interface EmulatorSettings {
  /** EMULATOR_PORT; 0 picks a free port. */
  port: number;
  /**
   * EMULATOR_HOST: 0.0.0.0 in a container, where the gateway replicas reach it by service name. The
   * admin API has no authentication: such an emulator belongs on a private network.
   */
  host: string;
  /** EMULATOR_DB: a SQLite file or ':memory:'. */
  db: string;
  /** EMULATOR_LOG=1: Fastify's request log on stdout. */
  logger: boolean;
}

export class EmulatorSettingsError extends Error {
  override name = 'EmulatorSettingsError';
}

/** Reads the EMULATOR_* variables; a blank one counts as unset. Throws, naming the variable, on a bad value. */
export function loadEmulatorSettings(source: Record<string, string | undefined> = process.env): EmulatorSettings {
  const text = (name: (typeof EMULATOR_ENV_VARS)[number]) => source[name]?.trim() || undefined;
  const rawPort = text('EMULATOR_PORT');
  let port = DEFAULT_EMULATOR_PORT;
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new EmulatorSettingsError(`EMULATOR_PORT must be a port number, got "${source.EMULATOR_PORT}"`);
  }
  return {
    port,
    host: text('EMULATOR_HOST') ?? DEFAULT_EMULATOR_HOST,
    db: text('EMULATOR_DB') ?? DEFAULT_DB_PATH,
    logger: source.EMULATOR_LOG === '1',
  };
}

export interface EmulatorConfig {
  /** Added to every /crm response, in ms. */
  latencyMs: number;
  /** Uniform random extra latency in [0, jitterMs). */
  jitterMs: number;
  /** Most /crm calls in flight per org; null = unlimited. */
  concurrencyLimit: number | null;
  /** Credits per rolling day per org; null = unlimited. */
  dailyCredits: number | null;
  /** Access tokens per refresh token per 10 minutes (Zoho: 10). */
  tokenMintLimit: number;
  /** Lifetime of every access token, including those already issued. */
  accessTokenTtlSeconds: number;
  /** 'partial': mixed link batches answer 207; 'atomic': any bad item refuses the whole batch. */
  batchMode: 'partial' | 'atomic';
  /** 'replace': relinking moves the link; 'reject': relinking an email linked elsewhere fails. */
  relinkMode: 'replace' | 'reject';
  /**
   * Which of a contact's deals deal prediction may choose: 'open' (stage `forecast_type` Open) or
   * 'not_closed_lost' (any stage but Closed Lost, so a Closed Won deal counts). docs/emulator.md
   * argues the default.
   */
  predictionEligible: PredictionEligible;
  /**
   * A write whose client went away (timed out, reset) before the answer: true applies it, as Zoho
   * would once the request has arrived; false drops it when the client is gone before the handler
   * runs.
   */
  applyAbandonedWrites: boolean;
  /** Active access tokens per refresh token; the next one issued revokes the oldest (Zoho: 15). */
  liveTokenLimit: number;
  /** Mail calls in flight per user and OAuth client (Zoho's sub-concurrency: 10); null = none. */
  mailConcurrencyLimit: number | null;
  /** Language of the token endpoint's mint refusal (Zoho localizes `error` and `error_description`). */
  tokenErrorLocale: TokenErrorLocale;
  /** HTTP status of the mint refusal: Zoho's Kaizen #43 says 200, clients have logged 400. */
  tokenMintRefusalStatus: 200 | 400;
}

export const PREDICTION_ELIGIBLE = ['open', 'not_closed_lost'] as const;
export type PredictionEligible = (typeof PREDICTION_ELIGIBLE)[number];
export const TOKEN_ERROR_LOCALES = ['en', 'zh'] as const;
export type TokenErrorLocale = (typeof TOKEN_ERROR_LOCALES)[number];

export const DEFAULT_CONFIG: Readonly<EmulatorConfig> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  concurrencyLimit: null,
  dailyCredits: null,
  tokenMintLimit: 10,
  accessTokenTtlSeconds: 3600,
  batchMode: 'partial',
  relinkMode: 'replace',
  predictionEligible: 'open',
  applyAbandonedWrites: true,
  liveTokenLimit: 15,
  mailConcurrencyLimit: 10,
  tokenErrorLocale: 'en',
  tokenMintRefusalStatus: 200,
});

const nonNegativeInt = z.number().int().min(0);
const configPatchSchema = z
  .object({
    latencyMs: nonNegativeInt.max(600_000),
    jitterMs: nonNegativeInt.max(600_000),
    concurrencyLimit: z.number().int().min(1).nullable(),
    dailyCredits: nonNegativeInt.nullable(),
    tokenMintLimit: z.number().int().min(1),
    accessTokenTtlSeconds: z.number().int().min(1),
    batchMode: z.enum(['partial', 'atomic']),
    relinkMode: z.enum(['replace', 'reject']),
    predictionEligible: z.enum(PREDICTION_ELIGIBLE),
    applyAbandonedWrites: z.boolean(),
    liveTokenLimit: z.number().int().min(1),
    mailConcurrencyLimit: z.number().int().min(1).nullable(),
    tokenErrorLocale: z.enum(TOKEN_ERROR_LOCALES),
    tokenMintRefusalStatus: z.union([z.literal(200), z.literal(400)]),
  })
  .strict()
  .partial();

export type ConfigPatch = Partial<EmulatorConfig>;

/** Validates a config patch; unknown keys and bad values are refused with a readable reason. */
export function parseConfigPatch(input: unknown): { ok: true; value: ConfigPatch } | { ok: false; error: string } {
  const parsed = configPatchSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const error = parsed.error.issues
    .map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : 'config';
      return i.code === 'unrecognized_keys' ? `unknown key(s): ${i.keys.join(', ')}` : `${where}: ${i.message}`;
    })
    .join('; ');
  return { ok: false, error };
}

/** The live config of one emulator. */
export class ConfigHolder {
  private value: EmulatorConfig;
  constructor(initial: ConfigPatch = {}) {
    this.value = { ...DEFAULT_CONFIG, ...initial };
  }
  get current(): Readonly<EmulatorConfig> {
    return this.value;
  }
  update(patch: ConfigPatch): Readonly<EmulatorConfig> {
    this.value = { ...this.value, ...patch };
    return this.value;
  }
  reset(): void {
    this.value = { ...DEFAULT_CONFIG };
  }
}
