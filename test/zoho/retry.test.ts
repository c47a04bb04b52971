import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../src/zoho/config.ts';
import { ZohoError } from '../../src/zoho/errors.ts';
import { sampleBackoffDelays } from '../../src/zoho/retry.ts';
import { mayRetry } from '../../src/zoho/classify.ts';
import { MintLimiter } from '../../src/zoho/auth/mint-limiter.ts';
import { refreshMarginMs } from '../../src/zoho/auth/service.ts';
import { DEFAULT_TOKEN } from '../../src/zoho/config.ts';

const err = (init: Partial<ConstructorParameters<typeof ZohoError>[0]>) =>
  new ZohoError({ kind: 'rejected', code: 'X', message: 'x', ...init });

describe('backoff', () => {
  it('stays within the configured ceiling and grows from the initial delay', () => {
    for (let run = 0; run < 50; run++) {
      const delays = sampleBackoffDelays({ ...DEFAULT_RETRY, initialDelayMs: 100, maxDelayMs: 2_000 }, 12);
      for (const d of delays) {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(2_000);
      }
    }
  });

  it('is jittered: two runs do not give the same delays', () => {
    const a = sampleBackoffDelays(DEFAULT_RETRY, 6);
    const b = sampleBackoffDelays(DEFAULT_RETRY, 6);
    expect(a).not.toEqual(b);
  });
});

describe('what is retried (the classifier)', () => {
  it('retries a 429 on any call, associate included', () => {
    expect(mayRetry(err({ kind: 'rate_limited', status: 429 }), false)).toBe(true);
  });

  it("does not retry a 429 that says the day's credits are spent", () => {
    expect(mayRetry(err({ kind: 'credits_exhausted', status: 429 }), true)).toBe(false);
  });

  it('retries 5xx, timeouts and resets only on idempotent calls', () => {
    for (const e of [
      err({ kind: 'unavailable', status: 503 }),
      err({ kind: 'timeout', code: 'TIMEOUT', phase: 'no_answer' }),
      err({ kind: 'network', code: 'NETWORK_ERROR', phase: 'no_answer' }),
    ]) {
      expect(mayRetry(e, true)).toBe(true);
      expect(mayRetry(e, false)).toBe(false);
    }
  });

  it('retries any call that failed before anything was sent', () => {
    expect(mayRetry(err({ kind: 'network', code: 'NETWORK_ERROR', phase: 'not_sent' }), false)).toBe(true);
    expect(mayRetry(err({ kind: 'unavailable', code: 'OAUTH_UNAVAILABLE', phase: 'not_sent' }), false)).toBe(true);
  });

  it('never retries a 400, a 401 or a 403', () => {
    for (const kind of ['rejected', 'auth', 'forbidden'] as const) {
      expect(mayRetry(err({ kind, status: 400 }), true)).toBe(false);
    }
  });
});

describe('token mint limit', () => {
  const call = { method: 'POST', route: '/oauth/v2/token' };

  it('allows 10 mints per 10 minutes and refuses the 11th locally, saying when to try again', () => {
    let now = 1_000_000;
    const m = new MintLimiter({ limit: 10, windowMs: 600_000, cooldownMs: 60_000, now: () => now });
    for (let i = 0; i < 10; i++) {
      m.check(call);
      m.issued();
      now += 1_000;
    }
    let refused: unknown;
    try {
      m.check(call);
    } catch (e) {
      refused = e;
    }
    expect(refused).toMatchObject({
      kind: 'token_mint',
      code: 'OAUTH_MINT_LIMIT',
      details: { refusedBy: 'client', retryAfterMs: 590_000 },
    });
    now += 590_001;
    expect(() => m.check(call)).not.toThrow();
  });

  it('counts only the tokens Zoho issued, never the attempts that failed', () => {
    const m = new MintLimiter({ limit: 2, windowMs: 600_000, cooldownMs: 60_000, now: () => 0 });
    for (let i = 0; i < 50; i++) m.check(call); // fifty failed attempts issue nothing
    m.issued();
    expect(m.count()).toBe(1);
    expect(() => m.check(call)).not.toThrow();
  });

  it('stops asking for a while after Zoho refuses', () => {
    let now = 0;
    const m = new MintLimiter({ limit: 10, windowMs: 600_000, cooldownMs: 60_000, now: () => now });
    m.refused();
    expect(() => m.check(call)).toThrow(/Zoho refused/);
    now = 60_001;
    expect(() => m.check(call)).not.toThrow();
  });

  it('refreshes a one-hour token five minutes early, and a short token proportionally', () => {
    expect(refreshMarginMs(3_600_000, DEFAULT_TOKEN)).toBe(300_000);
    expect(refreshMarginMs(60_000, DEFAULT_TOKEN)).toBe(6_000);
    expect(refreshMarginMs(2_000, DEFAULT_TOKEN)).toBe(200);
  });
});
