/**
 * Who may call the gateway: API keys, JWTs (HMAC secret or JWKS), or in pass-through mode the
 * caller's own Zoho token. A refused call gets UNAUTHENTICATED with HTTP 401 and costs Zoho
 * nothing; health and metrics stay reachable for the orchestrator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startOpsStack, type OpsStack } from './support.ts';

const KEY_A = 'key-a-0123456789abcdef0123';
const KEY_B = 'key-b-fedcba9876543210fedc';
const QUERY = '{ contact(id: "5843104000005878180") { fullName } }';

async function post(stack: OpsStack, headers: Record<string, string>, query = QUERY) {
  const res = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

function expectRefused(r: { status: number; body: any }) {
  expect(r.status).toBe(401);
  expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(r.body.data).toBeUndefined();
}

describe('API keys', () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ gateway: { auth: { apiKeys: [KEY_A, KEY_B], jwt: null } } });
  });
  afterAll(() => stack?.close());

  it('accepts any configured key, as x-api-key or as Authorization: Bearer', async () => {
    const ways: Array<Record<string, string>> = [
      { 'x-api-key': KEY_A },
      { 'x-api-key': KEY_B },
      { authorization: `Bearer ${KEY_B}` },
    ];
    for (const headers of ways) {
      const r = await post(stack, headers);
      expect(r.status).toBe(200);
      expect(r.body.data.contact.fullName).toBe('Rebecca Lindqvist');
    }
  });

  it('refuses a missing, wrong or truncated key with UNAUTHENTICATED, before any Zoho call', async () => {
    stack.resetStats();
    expectRefused(await post(stack, {}));
    expectRefused(await post(stack, { 'x-api-key': 'key-a-0123456789abcdef012X' }));
    expectRefused(await post(stack, { 'x-api-key': KEY_A.slice(0, -1) }));
    expectRefused(await post(stack, { authorization: `Bearer ${KEY_A}x` }));
    expectRefused(await post(stack, { authorization: `Zoho-oauthtoken ${KEY_A}` }));
    expect(stack.allCalls()).toEqual({});
  });

  it('refuses GET operations too, but lets a browser load the landing page and the probes through', async () => {
    const r = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(r.status).toBe(401);
    expect((await stack.get('/graphql', { accept: 'text/html' })).status).not.toBe(401);
    // With any query string it could run an operation (a persisted query, say): checked.
    const apq = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    expect(
      (await stack.get(`/graphql?extensions=${apq}`, { accept: 'text/html', 'apollo-require-preflight': 'true' }))
        .status,
    ).toBe(401);
    expect((await stack.get('/health/live')).status).toBe(200);
    expect((await stack.get('/metrics')).status).toBe(200);
  });

  it('counts refused calls in the operations metric', async () => {
    const m = await stack.metrics();
    expect(m.value('gateway_graphql_operations_total', { outcome: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(5);
  });
});

describe('JWTs signed with a shared secret', () => {
  const secret = new TextEncoder().encode('a-shared-hmac-secret-of-32-chars!!');
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({
      gateway: {
        auth: {
          apiKeys: [],
          jwt: {
            secret: 'a-shared-hmac-secret-of-32-chars!!',
            jwksUrl: null,
            issuer: 'https://id.example.com',
            audience: 'email-gateway',
          },
        },
      },
    });
  });
  afterAll(() => stack?.close());

  const sign = (claims: { iss?: string; aud?: string; exp?: string | number }, key = secret) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('frontend-app')
      .setIssuer(claims.iss ?? 'https://id.example.com')
      .setAudience(claims.aud ?? 'email-gateway')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '5m')
      .sign(key);

  it('accepts a valid token', async () => {
    const r = await post(stack, { authorization: `Bearer ${await sign({})}` });
    expect(r.status).toBe(200);
    expect(r.body.data.contact.fullName).toBe('Rebecca Lindqvist');
  });

  it('refuses an expired token, a wrong audience or issuer, another secret, and alg none', async () => {
    expectRefused(
      await post(stack, { authorization: `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 60 })}` }),
    );
    expectRefused(await post(stack, { authorization: `Bearer ${await sign({ aud: 'another-api' })}` }));
    expectRefused(await post(stack, { authorization: `Bearer ${await sign({ iss: 'https://evil.example.com' })}` }));
    expectRefused(
      await post(stack, {
        authorization: `Bearer ${await sign({}, new TextEncoder().encode('another-secret-of-at-least-32-chars'))}`,
      }),
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","aud":"email-gateway","iss":"https://id.example.com"}').toString('base64url')}.`;
    expectRefused(await post(stack, { authorization: `Bearer ${none}` }));
    expectRefused(await post(stack, {}));
  });
});

describe('JWTs verified against a JWKS URL', () => {
  let stack: OpsStack;
  let jwks: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwksFetches = 0;
  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      jwksFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    stack = await startOpsStack({
      gateway: { auth: { apiKeys: [], jwt: { secret: null, jwksUrl: url, issuer: null, audience: 'email-gateway' } } },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => jwks?.close(r));
  });

  const sign = (key: Parameters<SignJWT['sign']>[0], kid = 'k1') =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('svc')
      .setAudience('email-gateway')
      .setExpirationTime('5m')
      .sign(key);

  it('accepts tokens signed by a key of the set, fetching the set once', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await post(stack, { authorization: `Bearer ${await sign(keys.privateKey)}` });
      expect(r.status).toBe(200);
    }
    expect(jwksFetches).toBe(1);
  });

  it('refuses a token signed by a key outside the set', async () => {
    const other = await generateKeyPair('ES256');
    expectRefused(await post(stack, { authorization: `Bearer ${await sign(other.privateKey)}` }));
  });
});

describe("pass-through: the caller's own Zoho token", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({
      zoho: { authMode: 'passthrough' },
      gateway: { auth: { apiKeys: [KEY_A], jwt: null } },
    });
  });
  afterAll(() => stack?.close());

  it('works with the Zoho token in Authorization and the API key in x-api-key', async () => {
    const token = await stack.emulator.mintToken();
    const r = await post(stack, { authorization: `Zoho-oauthtoken ${token}`, 'x-api-key': KEY_A });
    expect(r.status).toBe(200);
    expect(r.body.data.contact.fullName).toBe('Rebecca Lindqvist');
  });

  it('refuses a call without its Zoho token, or without the API key', async () => {
    const token = await stack.emulator.mintToken();
    expectRefused(await post(stack, { 'x-api-key': KEY_A }));
    expectRefused(await post(stack, { authorization: `Zoho-oauthtoken ${token}` }));
    // Authorization is Zoho's here: a bearer API key is not accepted in its place.
    expectRefused(await post(stack, { authorization: `Bearer ${KEY_A}`, 'x-api-key': KEY_A }));
  });

  it("lets Zoho judge the token itself: an unknown one is Zoho's 401, reported as UNAUTHENTICATED", async () => {
    const r = await post(stack, { authorization: 'Zoho-oauthtoken 1000.0000.0000', 'x-api-key': KEY_A });
    expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(r.body.data?.contact ?? null).toBeNull();
  });
});

describe('development: no caller authentication configured', () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack();
  });
  afterAll(() => stack?.close());

  it('serves anyone (the emulator on loopback; main.ts says so at start)', async () => {
    const r = await post(stack, {});
    expect(r.status).toBe(200);
    expect(r.body.data.contact.fullName).toBe('Rebecca Lindqvist');
  });
});
