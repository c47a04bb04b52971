/**
 * Logs: structured JSON with a request id that also travels to Zoho, `traceparent` passed on, and
 * no secret anywhere. The scenario runs at the most verbose level, with every credential the
 * gateway handles known to the test, then searches every line for each of them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { captureLogs, startOpsStack, type OpsStack } from './support.ts';

const API_KEY = 'logs-test-api-key-0123456789';
const WRONG_KEY = 'logs-test-wrong-key-9876543210';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const QUERY = '{ contact(id: "5843104000005878180") { fullName emails(first: 2) { nodes { subject } } } }';
const ZOHO_TOKEN = /1000\.[0-9a-f]{32}\.[0-9a-f]{32}/;

/** Stands in front of the emulator's API, remembering the headers of each request it forwards. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer(async (req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(target + req.url, {
      method: req.method,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    res.writeHead(
      upstream.status,
      Object.fromEntries(
        [...upstream.headers].filter(
          ([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k),
        ),
      ),
    );
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('a verbose run with every kind of credential', () => {
  const logs = captureLogs('trace');
  let emulator: TestEmulator;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let service: OpsStack;
  let passthrough: OpsStack;
  const callerTokens: string[] = [];

  const ask = (stack: OpsStack, headers: Record<string, string>, query = QUERY) =>
    fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  beforeAll(async () => {
    emulator = await startTestEmulator();
    proxy = await recordingProxy(emulator.url);
    // A stack of its own for the emulator it starts is not used: the client goes through the proxy.
    service = await startOpsStack({
      logger: logs.logger,
      zoho: { apiBaseUrl: proxy.url, accountsUrl: emulator.url },
      gateway: { auth: { apiKeys: [API_KEY], jwt: null } },
    });
    passthrough = await startOpsStack({ logger: logs.logger, zoho: { authMode: 'passthrough' } });

    // Service mode: a traced call, a bearer key, a wrong key, and Zoho failing.
    const traced = await ask(service, { 'x-api-key': API_KEY, 'x-request-id': 'req-logs-1', traceparent: TRACEPARENT });
    expect(traced.status).toBe(200);
    expect(traced.headers.get('x-request-id')).toBe('req-logs-1');
    expect((await ask(service, { authorization: `Bearer ${API_KEY}` })).status).toBe(200);
    expect((await ask(service, { 'x-api-key': WRONG_KEY })).status).toBe(401);
    expect((await ask(service, { authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
    await emulator.admin('POST', '/__emulator/faults', { status: 500, rate: 1 });
    const failed = (await (await ask(service, { 'x-api-key': API_KEY })).json()) as any;
    expect(failed.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    await emulator.admin('DELETE', '/__emulator/faults');

    // Pass-through: a good caller token, and one Zoho refuses.
    const token = await passthrough.emulator.mintToken();
    callerTokens.push(token);
    expect((await ask(passthrough, { authorization: `Zoho-oauthtoken ${token}` })).status).toBe(200);
    const refused = (await (
      await ask(passthrough, {
        authorization: 'Zoho-oauthtoken 1000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      })
    ).json()) as any;
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    // The logger itself, given secrets by mistake.
    logs.logger.info(
      {
        headers: { authorization: 'Bearer leaked-1', 'x-api-key': 'leaked-2' },
        client_secret: 'leaked-3',
        config: { refresh_token: 'leaked-4', accessToken: 'leaked-5' },
      },
      'a careless line',
    );
    logs.logger.error(
      {
        err: new Error(
          'Zoho said: Zoho-oauthtoken 1000.cccccccccccccccccccccccccccccccc.dddddddddddddddddddddddddddddddd is bad',
        ),
      },
      'a careless error',
    );
  });
  afterAll(async () => {
    await service?.close();
    await passthrough?.close();
    await proxy?.close();
    await emulator?.close();
  });

  it('writes one JSON object per line, with a level and a time', () => {
    expect(logs.lines.length).toBeGreaterThan(10);
    for (const line of logs.lines)
      expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), time: expect.any(String) });
  });

  it('contains no API key, token, client secret or refresh token', () => {
    const text = logs.text();
    for (const secret of [
      API_KEY,
      WRONG_KEY,
      DEMO_CREDENTIALS.clientSecret,
      DEMO_CREDENTIALS.refreshToken,
      ...callerTokens,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(ZOHO_TOKEN);
    for (const leaked of ['leaked-1', 'leaked-2', 'leaked-3', 'leaked-4', 'leaked-5'])
      expect(text).not.toContain(leaked);
    expect(text).toContain('[REDACTED]');
  });

  it('names each request by its id, and each Zoho call made for it', () => {
    const mine = logs.lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === 'req-logs-1');
    expect(mine.find((l) => l.msg === 'request completed')).toMatchObject({
      method: 'POST',
      path: '/graphql',
      status: 200,
      caller: 'api-key',
    });
    expect(mine.filter((l) => l.msg === 'zoho call').map((l) => l.route)).toEqual(
      expect.arrayContaining(['/crm/v8/Contacts', '/crm/v8/Contacts/{id}/Emails']),
    );
  });

  it('sends the request id and the traceparent to Zoho with every call made for that request', () => {
    const forIt = proxy.seen.filter((h) => h['x-request-id'] === 'req-logs-1');
    expect(forIt.length).toBeGreaterThanOrEqual(2); // the contact, then its emails
    for (const h of forIt) expect(h.traceparent).toBe(TRACEPARENT);
  });

  it('makes up a request id when the caller sends none, and sends that one upstream', () => {
    const ids = new Set(proxy.seen.map((h) => h['x-request-id']));
    expect([...ids].some((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(proxy.seen.every((h) => typeof h['x-request-id'] === 'string')).toBe(true);
  });
});
