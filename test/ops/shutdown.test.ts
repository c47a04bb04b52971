/**
 * SIGTERM while a slow mutation is in flight: the mutation completes and its work is done, new
 * requests are refused, and the process exits 0. If work outlasts GATEWAY_SHUTDOWN_TIMEOUT_MS,
 * the process exits anyway (code 1), so a stop is always bounded.
 */
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

async function startGateway(extra: Record<string, string> = {}): Promise<{ p: GatewayProcess; url: string }> {
  const p = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: emulator.url,
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
    const { p, url } = await startGateway({ GATEWAY_SHUTDOWN_TIMEOUT_MS: '30000' });
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
    const { p, url } = await startGateway({ GATEWAY_SHUTDOWN_TIMEOUT_MS: '500' });
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
