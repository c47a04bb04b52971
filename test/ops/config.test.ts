/**
 * The configuration is checked before anything starts: one line per mistake, naming the variable
 * and what to set; and the gateway never runs open where strangers could use real credentials.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ENV_VARS, GatewayConfigError, loadGatewayConfig } from '../../src/config.ts';
import { parsePersistedOperations } from '../../src/http/persisted-operations.ts';

const REAL_SERVICE = {
  ZOHO_CLIENT_ID: '1000.ABC',
  ZOHO_CLIENT_SECRET: 'not-a-real-secret',
  ZOHO_REFRESH_TOKEN: '1000.not.real',
};
const KEY = 'k'.repeat(24);

function problems(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
  } catch (e) {
    if (e instanceof GatewayConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('defaults', () => {
  it('with nothing set: the embedded emulator on 127.0.0.1:4000, open, with the documented defaults', () => {
    const c = loadGatewayConfig({});
    expect(c).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      logLevel: 'info',
      zoho: { kind: 'embedded', emulatorPort: 4010 },
      auth: { apiKeys: [], jwt: null },
      corsOrigins: [],
      readyCacheMs: 60_000,
      shutdownTimeoutMs: 25_000,
      drainDelayMs: 0,
      limits: {
        maxDepth: 12,
        maxAliases: 30,
        maxTokens: 5_000,
        maxDirectives: 50,
        maxZohoCalls: 2_000,
        maxEntities: 500,
      },
      otel: null,
      authRequirement: { required: false, configured: false },
    });
  });

  it('reads the lists and limits it is given', () => {
    const c = loadGatewayConfig({
      GATEWAY_API_KEYS: `${KEY}, ${KEY}2`,
      GATEWAY_CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
      GATEWAY_MAX_DEPTH: '8',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    });
    expect(c.auth.apiKeys).toEqual([KEY, `${KEY}2`]);
    expect(c.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(c.limits.maxDepth).toBe(8);
    expect(c.otel).toEqual({ endpoint: 'http://collector:4318', serviceName: 'zoho-email-deal-gateway' });
  });
});

describe('who must authenticate', () => {
  it('refuses real service credentials with no caller authentication, saying what to set', () => {
    const [p, ...rest] = problems(REAL_SERVICE);
    expect(rest).toEqual([]);
    expect(p).toMatch(/real Zoho credentials \(service mode/);
    expect(p).toMatch(/GATEWAY_API_KEYS/);
    expect(p).toMatch(/GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL/);
    expect(p).toMatch(/ZOHO_AUTH_MODE=passthrough/);
  });

  it('refuses a fixed token against Zoho just the same', () => {
    expect(problems({ ZOHO_ACCESS_TOKEN: '1000.x.y' })[0]).toMatch(/real Zoho credentials \(token mode/);
  });

  it('refuses to listen beyond loopback without caller authentication, even on the emulator', () => {
    expect(problems({ HOST: '0.0.0.0' })[0]).toMatch(/binds to 0\.0\.0\.0/);
  });

  it('accepts either with API keys or a JWT secret', () => {
    expect(problems({ ...REAL_SERVICE, HOST: '0.0.0.0', GATEWAY_API_KEYS: KEY })).toEqual([]);
    expect(problems({ ...REAL_SERVICE, GATEWAY_JWT_SECRET: 's'.repeat(32) })).toEqual([]);
  });

  it('counts a Zoho on loopback (a standalone emulator) as development', () => {
    const c = loadGatewayConfig({
      ...REAL_SERVICE,
      ZOHO_API_BASE_URL: 'http://127.0.0.1:4010',
      ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:4010',
    });
    expect(c.authRequirement).toMatchObject({ required: false });
  });

  it('needs nothing more in pass-through mode, where every caller brings its own Zoho token', () => {
    const c = loadGatewayConfig({ ZOHO_AUTH_MODE: 'passthrough', HOST: '0.0.0.0' });
    expect(c.authRequirement).toMatchObject({ required: false, configured: true });
  });

  it("refuses JWTs in pass-through mode: the Authorization header is the caller's Zoho token", () => {
    expect(problems({ ZOHO_AUTH_MODE: 'passthrough', GATEWAY_JWT_SECRET: 's'.repeat(32) })[0]).toMatch(/x-api-key/);
  });
});

describe('one clear message per mistake', () => {
  it('lists every mistake at once, each naming its variable', () => {
    const list = problems({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      GATEWAY_API_KEYS: 'short',
      GATEWAY_CORS_ORIGINS: 'https://ok.example.com,not a url,https://x.example.com/path',
      GATEWAY_MAX_DEPTH: '0',
      GATEWAY_SHUTDOWN_TIMEOUT_MS: '-5',
      ZOHO_CONCURRENCY: 'many',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    const byVar = (v: string) => list.filter((p) => p.startsWith(`${v}:`));
    expect(byVar('PORT')[0]).toMatch(/port number/);
    expect(byVar('LOG_LEVEL')[0]).toMatch(/one of fatal, error/);
    expect(byVar('GATEWAY_API_KEYS')[0]).toMatch(/at least 16 characters/);
    expect(byVar('GATEWAY_CORS_ORIGINS')).toHaveLength(2);
    expect(byVar('GATEWAY_CORS_ORIGINS').join()).toMatch(/"not a url"/);
    expect(byVar('GATEWAY_CORS_ORIGINS').join()).toMatch(/"https:\/\/x\.example\.com\/path"/);
    expect(byVar('GATEWAY_MAX_DEPTH')[0]).toMatch(/positive whole number/);
    expect(byVar('GATEWAY_SHUTDOWN_TIMEOUT_MS')[0]).toMatch(/positive whole number/);
    expect(byVar('ZOHO_CONCURRENCY')[0]).toMatch(/positive whole number/);
    expect(byVar('OTEL_EXPORTER_OTLP_ENDPOINT')[0]).toMatch(/http\(s\) URL/);
    expect(list).toHaveLength(9);
  });

  it('checks the settings the explorers, Relay node and persisted operations read', () => {
    const list = problems({
      GATEWAY_GRAPHIQL: 'sometimes',
      GATEWAY_RELAY_NODE: 'maybe',
      GATEWAY_PERSISTED_OPERATIONS: '/nonexistent/manifest.json',
    });
    expect(list).toEqual([
      'GATEWAY_GRAPHIQL: must be true or false.',
      'GATEWAY_RELAY_NODE: must be true or false.',
      'GATEWAY_PERSISTED_OPERATIONS: cannot read /nonexistent/manifest.json (ENOENT).',
    ]);
  });

  it('loads the client kit manifest, and refuses one whose hashes do not match their operations', () => {
    const manifest = resolve(import.meta.dirname, '../../client/generated/persisted-documents.json');
    const c = loadGatewayConfig({ GATEWAY_PERSISTED_OPERATIONS: manifest, GATEWAY_RELAY_NODE: 'false' });
    expect(c.persistedOperations.size).toBeGreaterThanOrEqual(9);
    expect(c.relayNode).toBe(false);
    expect(() => parsePersistedOperations(JSON.stringify({ ['0'.repeat(64)]: '{ __typename }' }), 'm.json')).toThrow(
      `m.json: the body of ${'0'.repeat(64)} does not hash to its key`,
    );
  });

  it("reports the Zoho client's own checks with ours", () => {
    const list = problems({ ZOHO_AUTH_MODE: 'service', ZOHO_CLIENT_ID: 'x', PORT: '99999' });
    expect(
      list.some((p) => /service mode needs ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN/.test(p)),
    ).toBe(true);
    expect(list.some((p) => p.startsWith('PORT:'))).toBe(true);
  });

  it('refuses both a JWT secret and a JWKS URL', () => {
    expect(
      problems({ GATEWAY_JWT_SECRET: 's'.repeat(32), GATEWAY_JWKS_URL: 'https://id.example.com/jwks.json' }),
    ).toEqual(['GATEWAY_JWT_SECRET and GATEWAY_JWKS_URL: set one of them, not both.']);
  });
});

describe('the drain delay on SIGTERM', () => {
  const external = { ...REAL_SERVICE, GATEWAY_API_KEYS: KEY };
  it('defaults to 5 s where a load balancer may route here, and to 0 in development', () => {
    expect(loadGatewayConfig({ ...external, HOST: '0.0.0.0' }).drainDelayMs).toBe(5_000);
    // A standalone emulator on another host, as in the compose file's demo: a fleet all the same.
    expect(
      loadGatewayConfig({
        ...external,
        HOST: '0.0.0.0',
        ZOHO_API_BASE_URL: 'http://emulator:4010',
        ZOHO_ACCOUNTS_URL: 'http://emulator:4010',
      }).drainDelayMs,
    ).toBe(5_000);
    expect(loadGatewayConfig({ ...external }).drainDelayMs).toBe(0);
    expect(loadGatewayConfig({}).drainDelayMs).toBe(0);
    // The demo image: the embedded emulator on 0.0.0.0, tried out with docker run and Ctrl-C.
    expect(loadGatewayConfig({ HOST: '0.0.0.0', GATEWAY_API_KEYS: KEY }).drainDelayMs).toBe(0);
    expect(loadGatewayConfig({ GATEWAY_DRAIN_DELAY_MS: '1500' }).drainDelayMs).toBe(1_500);
  });

  it('must be less than the shutdown timeout, which it is part of', () => {
    expect(problems({ GATEWAY_DRAIN_DELAY_MS: '25000' })).toEqual([
      'GATEWAY_DRAIN_DELAY_MS (25000) must be less than GATEWAY_SHUTDOWN_TIMEOUT_MS (25000): the drain is part of the shutdown, ' +
        'and the requests in flight need the rest of it to finish. Lower GATEWAY_DRAIN_DELAY_MS or raise GATEWAY_SHUTDOWN_TIMEOUT_MS.',
    ]);
    // Its default counts too, and the message says it was the default.
    expect(problems({ ...external, HOST: '0.0.0.0', GATEWAY_SHUTDOWN_TIMEOUT_MS: '3000' })[0]).toMatch(
      /^GATEWAY_DRAIN_DELAY_MS \(5000, its default here\) must be less than GATEWAY_SHUTDOWN_TIMEOUT_MS \(3000\)/,
    );
    expect(problems({ GATEWAY_DRAIN_DELAY_MS: '-1' })).toEqual([
      'GATEWAY_DRAIN_DELAY_MS: must be a whole number of ms from 0 to 600000.',
    ]);
    // Reported alongside a mistake elsewhere, not hidden by it.
    expect(problems({ PORT: 'x', GATEWAY_DRAIN_DELAY_MS: '9000', GATEWAY_SHUTDOWN_TIMEOUT_MS: '8000' })).toHaveLength(
      2,
    );
  });
});

describe('.env.example', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../.env.example'), 'utf8');
  const entries = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  it('lists every variable the gateway reads, each after a comment', () => {
    for (const name of GATEWAY_ENV_VARS) expect(Object.keys(entries), name).toContain(name);
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (!/^[A-Z_]+=/.test(line)) continue;
      const above = lines
        .slice(0, i)
        .reverse()
        .find((l) => !/^[A-Z_]+=/.test(l));
      expect(above?.startsWith('#'), line).toBe(true);
    }
  });

  it('is a valid configuration as it stands (the development defaults)', () => {
    const c = loadGatewayConfig(entries);
    expect(c.zoho.kind).toBe('embedded');
    expect(c.port).toBe(4000);
  });
});

it('a landing-page flag that is not a boolean is a mistake like any other', () => {
  expect(problems({ GATEWAY_LANDING_PAGE: 'maybe' })).toEqual(['GATEWAY_LANDING_PAGE: must be true or false.']);
});

describe('ZOHO_PREDICTION_ELIGIBLE', () => {
  it('defaults to the open reading, and takes either reading, whatever its case', () => {
    expect(loadGatewayConfig({}).predictionRule).toBe('OPEN');
    expect(loadGatewayConfig({ ZOHO_PREDICTION_ELIGIBLE: 'open' }).predictionRule).toBe('OPEN');
    expect(loadGatewayConfig({ ZOHO_PREDICTION_ELIGIBLE: 'not_closed_lost' }).predictionRule).toBe('NOT_CLOSED_LOST');
    expect(loadGatewayConfig({ ZOHO_PREDICTION_ELIGIBLE: ' Not_Closed_Lost ' }).predictionRule).toBe('NOT_CLOSED_LOST');
  });

  it('is not a Zoho credential: setting it alone keeps the embedded emulator', () => {
    expect(loadGatewayConfig({ ZOHO_PREDICTION_ELIGIBLE: 'not_closed_lost' }).zoho.kind).toBe('embedded');
  });

  it('refuses anything else in one line that names both readings', () => {
    expect(problems({ ZOHO_PREDICTION_ELIGIBLE: 'won' })).toEqual([
      'ZOHO_PREDICTION_ELIGIBLE: must be open (only deals whose stage is Open) or not_closed_lost (any stage but Closed Lost).',
    ]);
  });
});

describe('each variable is read once, here, into the values the rest of the gateway takes', () => {
  const external = { ...REAL_SERVICE, GATEWAY_API_KEYS: KEY };

  it.each(['0', '2.5', 'many'])('a ZOHO_CONCURRENCY of %j is one mistake, in one line', (value) => {
    expect(problems({ ...external, ZOHO_CONCURRENCY: value })).toEqual([
      'ZOHO_CONCURRENCY: must be a positive whole number.',
    ]);
    expect(problems({ ZOHO_CONCURRENCY: value })).toEqual(['ZOHO_CONCURRENCY: must be a positive whole number.']);
  });

  it("hands the Zoho client its settings, with Zoho's own checks reported among ours", () => {
    const c = loadGatewayConfig({
      ZOHO_AUTH_MODE: 'passthrough',
      ZOHO_DC: 'EU',
      ZOHO_CONCURRENCY: '4',
      ZOHO_TIMEOUT_MS: '1500',
      ZOHO_MAIL_CONCURRENCY: '3',
    });
    expect(c.zoho.kind === 'external' && c.zoho.config).toMatchObject({
      authMode: 'passthrough',
      dc: 'eu',
      concurrency: 4,
      timeoutMs: 1_500,
      mailConcurrency: 3,
      proxyFromEnv: false,
    });
    expect(problems({ ...external, ZOHO_DC: 'mars' })).toEqual([
      'ZOHO_DC must be one of us, eu, in, au, jp, ca, sa, cn.',
    ]);
  });

  it("gives the embedded emulator's client the same ZOHO_* tuning, checked at start", () => {
    const c = loadGatewayConfig({
      ZOHO_CONCURRENCY: '4',
      ZOHO_CREDITS_COOLDOWN_MS: '1000',
      HTTPS_PROXY: 'http://proxy:3128',
    });
    expect(c.zoho).toMatchObject({
      kind: 'embedded',
      client: { dc: 'us', concurrency: 4, creditsCooldownMs: 1_000, proxyFromEnv: true },
    });
    expect(problems({ ZOHO_DC: 'mars' })).toEqual(['ZOHO_DC must be one of us, eu, in, au, jp, ca, sa, cn.']);
  });

  it('a malformed setting is one line, and brings no second, misleading one', () => {
    expect(problems({ ...REAL_SERVICE, GATEWAY_API_KEYS: 'short' })).toEqual([
      'GATEWAY_API_KEYS: each key must be at least 16 characters (use random keys, e.g. `openssl rand -hex 24`).',
    ]);
    expect(problems({ GATEWAY_JWT_SECRET: 'short', GATEWAY_JWT_ISSUER: 'https://id.example.com' })).toEqual([
      'GATEWAY_JWT_SECRET: must be at least 32 characters (an HMAC key for HS256/384/512).',
    ]);
    // While a mistake elsewhere does not hide the ones across variables.
    expect(problems({ PORT: 'x', HOST: '0.0.0.0' })).toEqual([
      'PORT: must be a port number (0-65535).',
      expect.stringMatching(/^Caller authentication is required because it binds to 0\.0\.0\.0/),
    ]);
  });

  it('gives the server its log level and explorer settings as values', () => {
    const c = loadGatewayConfig({ LOG_LEVEL: 'debug', NODE_ENV: 'production', GATEWAY_GRAPHIQL: 'on' });
    expect(c.logLevel).toBe('debug');
    expect(c.sandbox).toEqual({ landingPage: false, introspection: false, graphiql: true });
  });
});
