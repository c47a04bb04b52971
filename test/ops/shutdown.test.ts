/**
 * SIGTERM, as an orchestrator sends it: readiness answers 503 at once while the gateway keeps
 * serving for GATEWAY_DRAIN_DELAY_MS (a second signal cuts that short); then the listener closes,
 * new connections are refused, the requests in flight finish and their work is done, and the
 * process exits 0. If work outlasts GATEWAY_SHUTDOWN_TIMEOUT_MS, the process exits anyway (code 1),
 * so a stop is always bounded.
 *
 * A gate between the gateway and the emulator holds a Zoho call for as long as the test wants, so
 * that "a request in flight when the listener closes" is a state the test sets up, not a race.
 */
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { contactsWithEmails, linkedDealOf } from '../support/fixtures.ts';
import { LINK_MUTATION } from '../support/operations.ts';
import { spawnGateway, type GatewayProcess } from './support.ts';

let emulator: TestEmulator;
const running: GatewayProcess[] = [];
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  await emulator.admin('PUT', '/__emulator/config', { latencyMs: 0 });
});
afterAll(() => emulator?.close());

async function startGateway(
  extra: Record<string, string> = {},
  apiBaseUrl = emulator.url,
): Promise<{ p: GatewayProcess; url: string }> {
  const p = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: apiBaseUrl,
      ZOHO_ACCOUNTS_URL: emulator.url,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      ...extra,
    },
    'node',
  );
  running.push(p);
  const [, url] = await p.waitFor(/GraphQL gateway:\s+(\S+)/);
  return { p, url: url! };
}

/** Resolves once the emulator has received a /crm request since the last reset. */
async function upstreamBusy(): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (Object.keys(emulator.stats.snapshot().requests).length > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the gateway never called the emulator');
}

function linkInput(count: number) {
  const [c] = contactsWithEmails(emulator, { minEmails: count, count: 1 });
  const dealId =
    c!.relatedDealIds.find((d) => c!.emails.slice(0, count).every((e) => e.linkedDealId !== d)) ??
    c!.relatedDealIds[0]!;
  return {
    dealId,
    emails: c!.emails
      .slice(0, count)
      .map((e) => ({ contactId: c!.contactId, messageId: e.messageId, ownerId: e.ownerId })),
  };
}

describe('SIGTERM', () => {
  it('lets a slow mutation in flight finish, refuses new requests, and exits 0', async () => {
    const { p, url } = await startGateway({ GATEWAY_SHUTDOWN_TIMEOUT_MS: '30000', GATEWAY_DRAIN_DELAY_MS: '0' });
    const input = linkInput(3);
    await emulator.admin('PUT', '/__emulator/config', { latencyMs: 800 });
    emulator.stats.reset();

    const mutation = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LINK_MUTATION, variables: { input } }),
    });
    await upstreamBusy();
    p.child.kill('SIGTERM');
    await p.waitFor(/shutting down/);

    // New work is refused while the old one finishes.
    const late = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    const res = await mutation;
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.linkEmailsToDeal.succeededCount).toBe(3);
    for (const e of input.emails) expect(linkedDealOf(emulator, e.messageId)).toBe(input.dealId);

    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.output()).toMatch(/"msg":"stopped"/);
  }, 60_000);

  it('exits within GATEWAY_SHUTDOWN_TIMEOUT_MS even when a request would take longer (code 1)', async () => {
    const { p, url } = await startGateway({ GATEWAY_SHUTDOWN_TIMEOUT_MS: '500', GATEWAY_DRAIN_DELAY_MS: '0' });
    await emulator.admin('PUT', '/__emulator/config', { latencyMs: 20_000 });
    emulator.stats.reset();
    const slow = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ contact(id: \\"5843104000005878180\\") { fullName } }"}',
    }).catch(() => 'cut');
    await upstreamBusy();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(1);
    expect(p.output()).toMatch(/shutdown timed out/);
    await slow;
  }, 60_000);
});

/**
 * A pass-through proxy to the emulator that, while closed, holds every /crm request it receives
 * (the token grant goes straight to the emulator), and lets them all through when opened.
 */
async function startGate(target: string) {
  let closed = false;
  let held: Array<() => void> = [];
  const waiters: Array<() => void> = [];
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest(
      new URL(req.url!, target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    if (!closed || !req.url!.startsWith('/crm/')) return forward(req, res);
    req.pause();
    held.push(() => {
      req.resume();
      forward(req, res);
    });
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      closed = true;
    },
    open: () => {
      closed = false;
      const release = held;
      held = [];
      release.forEach((go) => go());
    },
    /** Resolves once `n` requests are held. */
    held: async (n: number) => {
      while (held.length < n) await new Promise<void>((r) => waiters.push(r));
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A GET on a connection of its own (no pool): its status, or 'refused' if nobody listens. */
function freshGet(url: string): Promise<number | 'refused'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve('refused') : reject(e)));
    req.end();
  });
}

const CONTACT_QUERY = '{ contact(id: "5843104000005878180") { fullName } }';
const query = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: CONTACT_QUERY }),
  });

describe('the drain delay', () => {
  it('answers readiness 503 at once and keeps serving; after the delay the listener closes, the request in flight finishes, exit 0', async () => {
    const gate = await startGate(emulator.url);
    try {
      // A drain far longer than the test: the second signal below is what ends it.
      // NODE_ENV=production: the signal handling a deployment gets (Apollo Server, for one, acts on
      // signals outside NODE_ENV=test unless told not to).
      const { p, url } = await startGateway(
        { NODE_ENV: 'production', GATEWAY_DRAIN_DELAY_MS: '100000', GATEWAY_SHUTDOWN_TIMEOUT_MS: '120000' },
        gate.url,
      );
      const base = url.replace(/\/graphql$/, '');
      expect(await freshGet(`${base}/health/ready`)).toBe(200);

      p.child.kill('SIGTERM');
      await p.waitFor(/shutting down: readiness answers 503; still serving/);

      // Load balancers see it leave at once...
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'stopping' });
      // ...while it stays alive and callers routed here meanwhile are served as before.
      expect(await freshGet(`${base}/health/live`)).toBe(200);
      const during = await query(url);
      expect(during.status).toBe(200);
      expect(((await during.json()) as any).data.contact.fullName).toBeTruthy();

      // A request whose Zoho call is held at the gate: in flight across the close.
      gate.close();
      emulator.stats.reset();
      let settled = false;
      const inFlight = query(url).finally(() => {
        settled = true;
      });
      await gate.held(1);

      p.child.kill('SIGTERM');
      await p.waitFor(/second signal: skipping the rest of the drain delay/);
      await p.waitFor(/closing the listener/);
      let refused = false;
      for (let i = 0; i < 200 && !refused; i++) {
        refused = (await freshGet(`${base}/health/live`)) === 'refused';
        if (!refused) await new Promise((r) => setTimeout(r, 25));
      }
      expect(refused).toBe(true);
      expect(settled).toBe(false);

      gate.open();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).data.contact.fullName).toBeTruthy();
      expect(emulator.stats.snapshot().requests).toEqual({ 'GET /crm/v8/Contacts': 1 });

      expect(await p.exited).toEqual({ code: 0, signal: null });
      const out = p.output();
      const order = [
        'shutting down',
        'second signal',
        'closing the listener',
        'requests in flight finished',
        '"stopped"',
      ];
      const at = order.map((m) => out.indexOf(m));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    } finally {
      await gate.stop();
    }
  }, 60_000);

  it('ends by itself when no second signal comes, and the process exits 0', async () => {
    const { p } = await startGateway({
      NODE_ENV: 'production',
      GATEWAY_DRAIN_DELAY_MS: '300',
      GATEWAY_SHUTDOWN_TIMEOUT_MS: '30000',
    });
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const out = p.output();
    expect(out).toMatch(/"drainDelayMs":300/);
    expect(out).toMatch(/closing the listener/);
    expect(out).not.toMatch(/second signal/);
    expect(out).toMatch(/"msg":"stopped"/);
  }, 60_000);
});
