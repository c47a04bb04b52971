/**
 * Liveness and readiness. Readiness follows Zoho: it learns from the last real call, so probes
 * spend no credits while traffic flows, and makes one cheap call of its own only when nothing
 * recent is known. An outage turns it 503; liveness stays 200 throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsStack, type OpsStack } from './support.ts';

const ORG = 'GET /crm/v8/org';
const CONTACT = '{ contact(id: "5843104000005878180") { fullName } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('while Zoho answers, and then does not', () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ readyCacheMs: 60_000 });
  });
  afterAll(() => stack?.close());

  it('is live', async () => {
    const r = await stack.get('/health/live');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'live' });
  });

  it('before any traffic, readiness makes one cheap call (GET /org) and fetches a token', async () => {
    stack.resetStats();
    const [a, b] = await Promise.all([stack.get('/health/ready'), stack.get('/health/ready')]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.json).toMatchObject({ status: 'ready', zoho: { reachable: true, source: 'probe' }, tokenHeld: true });
    expect(stack.allCalls()).toEqual({ [ORG]: 1 });
  });

  it('while traffic flows, it judges by the last real call and calls Zoho for nothing', async () => {
    await stack.gql(CONTACT);
    stack.resetStats();
    for (let i = 0; i < 5; i++) {
      const r = await stack.get('/health/ready');
      expect(r.status).toBe(200);
      expect(r.json.zoho.source).toBe('call');
    }
    expect(stack.allCalls()).toEqual({});
  });

  it('turns 503 as soon as a real call finds Zoho failing, and back to 200 when one succeeds', async () => {
    await stack.emulator.admin('POST', '/__emulator/faults', { status: 503, rate: 1 });
    try {
      const { errors } = await stack.gql(CONTACT);
      expect(errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      const r = await stack.get('/health/ready');
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ status: 'not_ready', zoho: { reachable: false, source: 'call' } });
      expect((await stack.get('/health/live')).status).toBe(200);
    } finally {
      await stack.emulator.admin('DELETE', '/__emulator/faults');
    }
    expect((await stack.gql(CONTACT)).errors).toBeUndefined();
    expect((await stack.get('/health/ready')).status).toBe(200);
  });
});

describe('when the emulator is gone and nothing recent is known', () => {
  it('probes once the cached result has aged, finds nobody, and answers 503', async () => {
    const stack = await startOpsStack({ readyCacheMs: 300 });
    try {
      expect((await stack.get('/health/ready')).status).toBe(200);
      await stack.emulator.close();
      await sleep(400);
      const r = await stack.get('/health/ready');
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ status: 'not_ready', zoho: { reachable: false, source: 'probe' } });
      expect((await stack.get('/health/live')).status).toBe(200);
    } finally {
      await stack.gateway.close();
      stack.zoho.close();
    }
  });
});

describe('pass-through mode', () => {
  it('probes without credentials, which costs no credit: any answer from Zoho proves it reachable', async () => {
    const stack = await startOpsStack({ zoho: { authMode: 'passthrough' } });
    try {
      stack.resetStats();
      const r = await stack.get('/health/ready');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ status: 'ready', zoho: { reachable: true, source: 'probe' } });
      expect(r.json.tokenHeld).toBeUndefined();
      // Received by the emulator, refused there for want of a token: no org was charged.
      expect(stack.emulator.stats.snapshot().rejected).toMatchObject({ 401: 1 });
    } finally {
      await stack.close();
    }
  });
});

describe('shutting down', () => {
  it('answers 503 on readiness once shutdown has begun', async () => {
    const stack = await startOpsStack();
    try {
      expect((await stack.get('/health/ready')).status).toBe(200);
      stack.gateway.beginShutdown();
      const r = await stack.get('/health/ready');
      expect(r.status).toBe(503);
      expect(r.json).toEqual({ status: 'stopping' });
    } finally {
      await stack.close();
    }
  });
});
