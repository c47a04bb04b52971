/**
 * Starting the gateway as an operator does (`npx tsx src/main.ts`): it refuses, with exit code 1
 * and a message saying what to set, to run open with real credentials or on a public interface;
 * and in development it says that it is open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { spawnGateway, type GatewayProcess } from './support.ts';

const running: GatewayProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
const start = (env: Record<string, string>, via?: 'npx' | 'node') => {
  const p = spawnGateway(env, via);
  running.push(p);
  return p;
};

describe('refusing to start', () => {
  it('with real service credentials and no caller authentication: exit 1, naming GATEWAY_API_KEYS', async () => {
    const p = start({
      ZOHO_CLIENT_ID: '1000.FAKECLIENTID',
      ZOHO_CLIENT_SECRET: 'a-secret-that-must-not-be-printed',
      ZOHO_REFRESH_TOKEN: '1000.refresh.token-not-printed',
      PORT: '0',
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toMatch(/The gateway did not start/);
    expect(p.output()).toMatch(/Caller authentication is required because it holds real Zoho credentials/);
    expect(p.output()).toMatch(/Set GATEWAY_API_KEYS/);
    expect(p.output()).not.toContain('a-secret-that-must-not-be-printed');
    expect(p.output()).not.toContain('1000.refresh.token-not-printed');
    expect(p.output()).not.toMatch(/GraphQL gateway:/);
  }, 60_000);

  it('on a non-loopback address with no caller authentication, even with the emulator', async () => {
    const p = start({ HOST: '0.0.0.0', PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' });
    expect((await p.exited).code).toBe(1);
    expect(p.output()).toMatch(/binds to 0\.0\.0\.0, which is reachable from other machines/);
  }, 60_000);

  it('with bad values: one line per mistake', async () => {
    const p = start({ PORT: 'abc', GATEWAY_MAX_ALIASES: '-1', GATEWAY_CORS_ORIGINS: 'ftp://files' });
    expect((await p.exited).code).toBe(1);
    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('  - '));
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.slice(4, l.indexOf(':'))).sort()).toEqual([
      'GATEWAY_CORS_ORIGINS',
      'GATEWAY_MAX_ALIASES',
      'PORT',
    ]);
  }, 60_000);
});

describe('starting', () => {
  it('in development (embedded emulator, 127.0.0.1) it starts open and says so', async () => {
    const p = start({ PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:', ZOHO_CONCURRENCY: '3' }, 'node');
    await p.waitFor(/Caller authentication: OFF/);
    const [, url] = await p.waitFor(/GraphQL gateway:\s+(\S+)/);
    await p.waitFor(/caller authentication is off \(development mode/);
    // The ZOHO_* tuning applies to the embedded emulator's client as to Zoho's.
    const [started] = await p.waitFor(/\{[^\n]*"msg":"gateway started"[^\n]*\}/);
    expect(JSON.parse(started!).zoho).toMatchObject({ authMode: 'service', concurrency: 3 });
    const res = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ contact(id: "5843104000005878180") { fullName } }' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.contact.fullName).toBe('Rebecca Lindqvist');
  }, 60_000);

  it('with a standalone emulator and API keys, it requires a key and names the way', async () => {
    const emu = start({ PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' }, 'node');
    const [, emulatorUrl] = await emu.waitFor(/Zoho emulator:\s+(\S+)/);
    const p = start(
      {
        PORT: '0',
        ZOHO_API_BASE_URL: emulatorUrl!,
        ZOHO_ACCOUNTS_URL: emulatorUrl!,
        ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
        ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
        ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
        GATEWAY_API_KEYS: 'an-api-key-of-24-chars!!',
      },
      'node',
    );
    await p.waitFor(/Caller authentication: API keys \(1; x-api-key or Authorization: Bearer\)/);
    const [, url] = await p.waitFor(/GraphQL gateway:\s+(\S+)/);
    const ask = (headers: Record<string, string>) =>
      fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"query":"{ __typename }"}',
      });
    expect((await ask({})).status).toBe(401);
    expect((await ask({ 'x-api-key': 'an-api-key-of-24-chars!!' })).status).toBe(200);
    expect(p.output()).not.toContain(DEMO_CREDENTIALS.clientSecret);
    expect(p.output()).not.toContain(DEMO_CREDENTIALS.refreshToken);
  }, 60_000);
});

describe('the start banner names only the explorers that are on', () => {
  it('in production (landing page and GraphiQL off) it says nothing of Sandbox and gives a curl line', async () => {
    const p = start({ NODE_ENV: 'production', PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' }, 'node');
    const [, url] = await p.waitFor(/GraphQL gateway:\s+(\S+)/);
    await p.waitFor(/curl -s /);
    const banner = p.output();
    expect(banner).not.toMatch(/Sandbox|GraphiQL/);
    expect(banner).toMatch(/CORS:\s+off \(same-origin only; set GATEWAY_CORS_ORIGINS\)/);
    // The curl line, run as printed, answers.
    const body = /-d '(\{.*\})'/.exec(banner)?.[1];
    const res = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body! });
    expect(((await res.json()) as any).data.contact.fullName).toBe('Rebecca Lindqvist');
  }, 60_000);

  it('in development it points to Sandbox, and to GraphiQL for a browser with no internet', async () => {
    const p = start({ PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' }, 'node');
    const [, graphiql] = await p.waitFor(/offline: GraphiQL at (\S+)\)/);
    await p.waitFor(/Try this operation in Sandbox:/);
    expect(p.output()).toMatch(/CORS:\s+any http\(s\):\/\/localhost, 127\.0\.0\.1 or \[::1\] origin \(development\)/);
    expect((await fetch(graphiql!)).status).toBe(200);
  }, 60_000);

  it('in production with only GraphiQL turned on, it names GraphiQL alone', async () => {
    const p = start(
      { NODE_ENV: 'production', GATEWAY_GRAPHIQL: 'true', PORT: '0', EMULATOR_PORT: '0', EMULATOR_DB: ':memory:' },
      'node',
    );
    const [, graphiql] = await p.waitFor(/GraphiQL:\s+(\S+)/);
    await p.waitFor(/Try this operation in GraphiQL:/);
    expect(p.output()).not.toMatch(/Sandbox/);
    expect((await fetch(graphiql!)).status).toBe(200);
  }, 60_000);
});
