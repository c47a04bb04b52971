/**
 * CORS: a frontend on another origin calling the gateway from a browser. In development any page
 * served from this machine (localhost, 127.0.0.1 or [::1], any port: a Vite dev server) passes its
 * preflight with no setting; production allows only GATEWAY_CORS_ORIGINS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config.ts';
import { startStack, type Stack } from '../support/gateway.ts';

/** The preflight a browser sends before a JSON POST from `origin`. */
async function preflight(stack: Stack, origin: string) {
  const res = await fetch(stack.gateway.url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-api-key',
    },
  });
  return {
    status: res.status,
    allowOrigin: res.headers.get('access-control-allow-origin'),
    allowHeaders: res.headers.get('access-control-allow-headers'),
    allowMethods: res.headers.get('access-control-allow-methods'),
  };
}

describe('the setting: loopback origins are allowed unless NODE_ENV=production', () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'production', EMULATOR_DB: ':memory:' }, false],
  ])('%j: %s', (env, expected) => {
    expect(loadGatewayConfig(env).corsLoopbackOrigins).toBe(expected);
  });
});

describe('development', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      gateway: { corsOrigins: ['https://app.example.com'], corsLoopbackOrigins: true },
    });
  });
  afterAll(() => stack.close());

  it.each([
    'http://localhost:5173',
    'http://127.0.0.1:4321',
    'http://[::1]:8080',
    'https://localhost',
    'http://localhost',
  ])('passes the preflight of a page on %s', async (origin) => {
    const p = await preflight(stack, origin);
    expect(p.status).toBe(204);
    expect(p.allowOrigin).toBe(origin);
    expect(p.allowMethods).toContain('POST');
    expect(p.allowHeaders).toMatch(/content-type/);
    expect(p.allowHeaders).toMatch(/x-api-key/);
  });

  it('still allows the origins GATEWAY_CORS_ORIGINS lists', async () => {
    expect((await preflight(stack, 'https://app.example.com')).allowOrigin).toBe('https://app.example.com');
  });

  it.each(['https://evil.example.com', 'http://localhost.evil.example.com', 'http://127.0.0.2:5173', 'null'])(
    'refuses a page on %s (no Access-Control-Allow-Origin)',
    async (origin) => {
      expect((await preflight(stack, origin)).allowOrigin).toBeNull();
    },
  );

  it("answers the page's query with the header the browser checks", async () => {
    const res = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('production: unchanged, only GATEWAY_CORS_ORIGINS', () => {
  let listed: Stack;
  let none: Stack;
  beforeAll(async () => {
    [listed, none] = await Promise.all([
      startStack({ gateway: { corsOrigins: ['https://app.example.com'], corsLoopbackOrigins: false } }),
      startStack({ gateway: { corsLoopbackOrigins: false } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([listed?.close(), none?.close()]);
  });

  it('allows a listed origin and not a localhost page', async () => {
    expect((await preflight(listed, 'https://app.example.com')).allowOrigin).toBe('https://app.example.com');
    expect((await preflight(listed, 'http://localhost:5173')).allowOrigin).toBeNull();
  });

  it('with no origin listed, answers no preflight at all', async () => {
    const p = await preflight(none, 'http://localhost:5173');
    expect(p.allowOrigin).toBeNull();
    expect(p.status).toBeGreaterThanOrEqual(400);
  });
});
