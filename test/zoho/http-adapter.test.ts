/**
 * The lean axios adapter under the Zoho client: what goes on the wire and what comes back, against
 * a real node:http server, for what the client sends and what Zoho (or a proxy before it) answers.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { getEventListeners } from 'node:events';
import { AxiosHeaders } from 'axios';
import { leanHttpAdapter } from '../../src/zoho/http-adapter.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config.ts';
import { createZohoClient, type ZohoClient } from '../../src/zoho/index.ts';
import { FAST } from './support.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const LINK = '/Contacts/{id}/Emails/actions/link_record';
const EMAILS = { Emails: [{ message_id: 'm1', subject: 'Héllo ✓' }], info: { more_records: false } };
let server: http.Server;
let base: string;
const seen: Seen[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(EMAILS));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

function client(extra: Record<string, unknown> = {}): ZohoClient {
  return createZohoClient({
    apiBaseUrl: base,
    accessToken: 'tok-secret',
    ...FAST,
    retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1, maxTotalMs: 1000 },
    ...extra,
  });
}

describe('the lean HTTP adapter', () => {
  it('is what the client uses unless a proxy variable is set; then axios’s own adapter finds the proxy', async () => {
    // What the gateway's configuration makes of the environment it is given.
    const proxyFromEnv = (env: Record<string, string>) => {
      const zoho = loadGatewayConfig({ ZOHO_AUTH_MODE: 'passthrough', ...env }).zoho;
      return zoho.kind === 'external' && zoho.config.proxyFromEnv;
    };
    expect(proxyFromEnv({})).toBe(false);
    expect(proxyFromEnv({ https_proxy: 'http://proxy:3128' })).toBe(true);
    seen.length = 0;
    for (const proxyFromEnv of [false, true]) {
      const c = client({ proxyFromEnv });
      await c.request({ method: 'GET', route: '/org' });
      c.close();
    }
    // axios's Node adapter asks for one more encoding than this one does.
    expect(seen.map((s) => s.headers['accept-encoding'])).toEqual(['gzip, deflate, br', 'gzip, compress, deflate, br']);
  });

  it('sends a GET with the token, asks for compressed answers, and reads UTF-8 JSON', async () => {
    seen.length = 0;
    const c = client();
    const res = await c.request<typeof EMAILS>({ method: 'GET', route: '/Contacts/{id}/Emails', params: { id: '1' } });
    c.close();
    expect(res.data).toEqual(EMAILS);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/crm/v8/Contacts/1/Emails', body: '' });
    expect(seen[0]!.headers.authorization).toBe('Zoho-oauthtoken tok-secret');
    expect(seen[0]!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends a JSON body once, with its length in bytes', async () => {
    seen.length = 0;
    const c = client();
    const body = {
      Emails: [{ message_id: 'ü-1', owner: { id: '8' }, linked_record: { id: '9', module: { id: '6' } } }],
    };
    await c.request({ method: 'POST', route: LINK, params: { id: '7' }, body });
    c.close();
    expect(seen[0]!.method).toBe('POST');
    expect(JSON.parse(seen[0]!.body)).toEqual(body);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
  });

  for (const [encoding, compress] of [
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const) {
    it(`decompresses a ${encoding} answer`, async () => {
      answer = (_req, res) =>
        res
          .writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding })
          .end(compress(Buffer.from(JSON.stringify(EMAILS))));
      const c = client();
      const res = await c.request({ method: 'GET', route: '/org' });
      c.close();
      expect(res.data).toEqual(EMAILS);
    });
  }

  it('reads a 204 with no body, and the credits header', async () => {
    answer = (_req, res) => res.writeHead(204, { 'X-API-CREDITS-REMAINING': '4321' }).end();
    const c = client();
    const res = await c.request({ method: 'GET', route: '/org' });
    c.close();
    expect(res.status).toBe(204);
    expect(res.data).toBeUndefined();
    expect(c.creditsRemaining()).toBe(4321);
  });

  it('gives up at the timeout: the call is UNKNOWN-prone (no answer), not a network refusal', async () => {
    answer = () => {}; // never answers
    const c = client({ timeoutMs: 150 });
    const e = await c.request({ method: 'GET', route: '/org' }).catch((x: unknown) => x);
    c.close();
    expect(e).toMatchObject({ kind: 'timeout', phase: 'no_answer' });
  });

  it('a connection reset after the request went out: no answer, the write may have landed', async () => {
    answer = (req) => req.socket.destroy();
    const c = client();
    const e = await c
      .request({ method: 'POST', route: LINK, params: { id: '7' }, body: { Emails: [] } })
      .catch((x: unknown) => x);
    c.close();
    expect(e).toMatchObject({ kind: 'network', phase: 'no_answer', code: 'NETWORK_ERROR' });
    expect(JSON.stringify(e)).not.toContain('tok-secret');
  });

  it('holds nothing once a call is answered: no timer left for its timeout, no listener on its signal', async () => {
    answer = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    const c = client({ timeoutMs: 60_000 });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await c.request({ method: 'GET', route: '/org' });
    const before = timers();
    for (let i = 0; i < 20; i++) await c.request({ method: 'GET', route: '/org' });
    // A 60 s timer per call, kept after its answer, would keep each call's request in memory.
    expect(timers()).toBeLessThanOrEqual(before);
    const signal = new AbortController().signal;
    await leanHttpAdapter({ url: `${base}/crm/v8/org`, method: 'get', headers: new AxiosHeaders(), signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    c.close();
  });
});
