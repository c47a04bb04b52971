/**
 * The fast stub upstream: canned Zoho answers served by plain `node:http`, so that the process
 * under test, not the upstream, is the bottleneck (the emulator spends a few ms of CPU per call on
 * routing, auth and SQLite; this spends about 0.1 ms).
 *
 * The answers are the emulator's own, byte for byte: a GET the stub has not seen yet is forwarded
 * to the emulator once (with the stub's own token), and its status, headers and body are kept and
 * replayed from then on under the exact method and URL. The bench's warm-up operations make those
 * first calls; a later one is counted in `misses`. Writes are never forwarded: link and unlink
 * answer success for every item, in the shape the emulator's batch answer has, so the emulator's
 * state never changes under the stub. The token grant answers the emulator's own grant, fetched
 * once at start.
 *
 * Like Zoho (and the emulator), it can add latency with jitter and refuse calls beyond a
 * concurrency limit with 429 TOO_MANY_REQUESTS; /crm calls are counted by templated route as in
 * the emulator's `/__emulator/stats`. Admin routes: GET /__stub/stats, POST /__stub/stats/reset,
 * PUT /__stub/config ({latencyMs, jitterMs, concurrencyLimit}; other keys are ignored).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeKeyOf } from '../../src/emulator/http/route-key.ts';
import { tooManyRequestsBody } from '../../src/emulator/http/limits.ts';
import { batchAnswer, LINK_SUCCESS_MESSAGE, UNLINK_SUCCESS_MESSAGE } from '../../src/emulator/domain/links.ts';
import { DEMO_CREDENTIALS } from '../../src/emulator/seed/demo.ts';

export interface StubStats {
  requests: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  /**
   * The most /crm calls open at once as one arrived, that one included, refused or not: how many
   * calls the clients tried to have in flight (maxInFlight never exceeds the concurrency limit).
   */
  maxOffered: number;
  rejected: Record<string, number>;
  tokenGrants: number;
  /** GETs answered by forwarding to the emulator (not yet recorded). */
  misses: number;
  recorded: number;
}

export interface StubConfig {
  latencyMs: number;
  jitterMs: number;
  concurrencyLimit: number | null;
}

export interface Stub {
  url: string;
  stats(): StubStats;
  resetStats(): void;
  configure(c: Partial<StubConfig>): void;
  close(): Promise<void>;
}

type Canned = { status: number; headers: http.OutgoingHttpHeaders; body: Buffer };

const JSON_TYPE = 'application/json; charset=utf-8';
// Hop-by-hop and per-response headers are the stub's own to set.
const DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

function canned(status: number, body: unknown): Canned {
  const buf = Buffer.from(JSON.stringify(body));
  return { status, headers: { 'content-type': JSON_TYPE }, body: buf };
}

function send(res: http.ServerResponse, c: Canned): void {
  res.writeHead(c.status, { ...c.headers, 'content-length': c.body.length });
  res.end(c.body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const LINK_ROUTE = /^\/crm\/v8\/Contacts\/\d+\/Emails(?:\/([A-Za-z0-9]+))?\/actions\/link_record(?:\?|$)/;

/** Starts the stub on 127.0.0.1 (port 0 by default), recording from the emulator at `source`. */
export async function startStub(opts: { source: string; port?: number }): Promise<Stub> {
  const source = opts.source.replace(/\/$/, '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  // The emulator's own answer to a refresh-token grant, fetched once: its token also authorizes
  // the forwarded first calls.
  const grant = await fetch(`${source}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: DEMO_CREDENTIALS.clientId,
      client_secret: DEMO_CREDENTIALS.clientSecret,
      refresh_token: DEMO_CREDENTIALS.refreshToken,
    }),
  });
  const grantBody = (await grant.json()) as Record<string, unknown>;
  if (typeof grantBody.access_token !== 'string')
    throw new Error(`stub: the emulator refused the grant: ${JSON.stringify(grantBody)}`);
  const sourceToken = grantBody.access_token;

  const config: StubConfig = { latencyMs: 0, jitterMs: 0, concurrencyLimit: null };
  const recorded = new Map<string, Canned>();
  const pending = new Map<string, Promise<Canned>>();
  let stats: StubStats;
  const resetStats = () => {
    stats = {
      requests: {},
      inFlight: stats?.inFlight ?? 0,
      maxInFlight: 0,
      maxOffered: 0,
      rejected: {},
      tokenGrants: 0,
      misses: 0,
      recorded: 0,
    };
  };
  resetStats();
  let tokenAnswer: Canned | null = null;

  const forward = (method: string, url: string): Promise<Canned> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        `${source}${url}`,
        { method, agent, headers: { authorization: `Zoho-oauthtoken ${sourceToken}`, accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const headers: http.OutgoingHttpHeaders = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !DROP.has(k)) headers[k] = v;
            resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const replay = async (method: string, url: string): Promise<Canned> => {
    const key = `${method} ${url}`;
    const hit = recorded.get(key);
    if (hit) return hit;
    stats.misses++;
    let p = pending.get(key);
    if (!p) {
      p = forward(method, url).finally(() => pending.delete(key));
      pending.set(key, p);
    }
    const c = await p;
    // A refusal for load or a failure is the emulator's state of the moment, not an answer to keep.
    if (c.status !== 429 && c.status < 500 && !recorded.has(key)) {
      recorded.set(key, c);
      stats.recorded++;
    }
    return c;
  };

  /** Link and unlink: every item succeeds, as the emulator answers an all-good batch. */
  const writeAnswer = async (req: http.IncomingMessage, url: string, single: string | undefined): Promise<Canned> => {
    const body = await readBody(req);
    let ids: string[];
    if (single) ids = [single];
    else if (req.method === 'DELETE') {
      ids = (new URL(url, 'http://stub').searchParams.get('message_ids') ?? '').split(',').filter(Boolean);
    } else {
      const parsed = JSON.parse(body.toString() || '{}') as { Emails?: Array<{ message_id?: string }> };
      ids = (parsed.Emails ?? []).map((e) => e.message_id ?? '');
    }
    const answer = batchAnswer(
      ids.map((messageId) => ({ ok: true as const, messageId, dealId: null, previousDealId: null })),
      req.method === 'DELETE' ? UNLINK_SUCCESS_MESSAGE : LINK_SUCCESS_MESSAGE,
    );
    return canned(answer.status, answer.body);
  };

  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, url: string) => {
    const body = await readBody(req);
    if (req.method === 'GET' && url === '/__stub/stats') return send(res, canned(200, stats));
    if (req.method === 'POST' && url === '/__stub/stats/reset') {
      resetStats();
      return send(res, canned(200, stats));
    }
    if (req.method === 'PUT' && url === '/__stub/config') {
      const patch = JSON.parse(body.toString() || '{}') as Partial<StubConfig>;
      if (patch.latencyMs !== undefined) config.latencyMs = patch.latencyMs;
      if (patch.jitterMs !== undefined) config.jitterMs = patch.jitterMs;
      if (patch.concurrencyLimit !== undefined) config.concurrencyLimit = patch.concurrencyLimit;
      return send(res, canned(200, config));
    }
    send(res, canned(404, { code: 'NOT_FOUND' }));
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (url.startsWith('/__stub/')) {
      admin(req, res, url).catch(() => send(res, canned(500, { code: 'STUB_ERROR' })));
      return;
    }
    if (method === 'POST' && url.startsWith('/oauth/v2/token')) {
      req.resume();
      stats.tokenGrants++;
      tokenAnswer ??= canned(200, { ...grantBody, api_domain: stubUrl });
      send(res, tokenAnswer);
      return;
    }
    if (!url.startsWith('/crm/')) {
      req.resume();
      send(
        res,
        canned(404, { code: 'INVALID_URL_PATTERN', details: {}, message: 'not a stub route', status: 'error' }),
      );
      return;
    }
    const key = routeKeyOf(method, url);
    stats.requests[key] = (stats.requests[key] ?? 0) + 1;
    if (stats.inFlight + 1 > stats.maxOffered) stats.maxOffered = stats.inFlight + 1;
    if (config.concurrencyLimit !== null && stats.inFlight >= config.concurrencyLimit) {
      req.resume();
      stats.rejected['429'] = (stats.rejected['429'] ?? 0) + 1;
      send(res, canned(429, tooManyRequestsBody()));
      return;
    }
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    res.once('close', () => stats.inFlight--);
    const link = LINK_ROUTE.exec(url);
    const answer =
      link && (method === 'POST' || method === 'DELETE')
        ? writeAnswer(req, url, link[1])
        : (req.resume(), replay(method, url));
    const delay = config.latencyMs + (config.jitterMs > 0 ? Math.random() * config.jitterMs : 0);
    const started = delay > 0 ? performance.now() : 0;
    answer.then(
      (c) => {
        const left = delay > 0 ? delay - (performance.now() - started) : 0;
        if (left > 0) setTimeout(() => send(res, c), left);
        else send(res, c);
      },
      (e: unknown) => send(res, canned(502, { code: 'STUB_FORWARD_FAILED', message: String(e), status: 'error' })),
    );
  });
  // Longer than any client's idle keep-alive, so that no client writes into a socket we close.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const stubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: stubUrl,
    stats: () => stats,
    resetStats,
    configure(c) {
      Object.assign(config, c);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
