/**
 * The emulator's run-time knobs (`PUT /__emulator/config`, CONTRACT.md). One mutable holder per
 * running emulator; every stage of the pipeline reads the current values on each request, so a
 * change applies at once (a new `accessTokenTtlSeconds` also re-dates tokens already issued).
 */
import { z } from 'zod';

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
}

export const DEFAULT_CONFIG: Readonly<EmulatorConfig> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  concurrencyLimit: null,
  dailyCredits: null,
  tokenMintLimit: 10,
  accessTokenTtlSeconds: 3600,
  batchMode: 'partial',
  relinkMode: 'replace',
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
