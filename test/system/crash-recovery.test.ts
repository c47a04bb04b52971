/**
 * A gateway killed with SIGKILL in the middle of a 200-email move, where Zoho refuses relinks so
 * that each email is unlinked and then linked: the emails it had unlinked are on no deal. A new
 * gateway started on the same data folder, sent nothing, repairs them from the move journal once
 * the late-write window has passed since the dead one's last renewal. Then the move's key answers
 * the truth. Also: a repeat sent while the first call still runs in another gateway gets
 * IDEMPOTENCY_KEY_IN_USE, and afterwards the stored results, across processes.
 *
 * The gateways are real processes (the compiled build, as production runs it); the emulator runs
 * in this process and outlives them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { contactsWithEmails, linkedDealOf } from '../support/fixtures.ts';
import { spawnGateway, type GatewayProcess } from '../ops/support.ts';

const UNLINK = 'DELETE /crm/v8/Contacts/{id}/Emails/actions/link_record';
const WINDOW_MS = 2_000;
const MOVE = /* GraphQL */ `
  mutation Move($input: MoveEmailsToDealInput!) {
    moveEmailsToDeal(input: $input) {
      succeededCount
      failedCount
      unknownCount
      results {
        messageId
        status
        previousDealId
        restored
        error {
          code
          message
        }
      }
    }
  }
`;

let emulator: TestEmulator;
let dir: string;
let contactId: string;
let dealP: string;
let dealT: string;
const running: GatewayProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const orgId = DEMO_CREDENTIALS.orgId;

function startGateway(stateDb: string): GatewayProcess {
  const p = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: emulator.url,
      ZOHO_ACCOUNTS_URL: emulator.url,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      GATEWAY_STATE_DB: stateDb,
      ZOHO_LATE_WRITE_WINDOW_MS: String(WINDOW_MS),
      GATEWAY_LEASE_MS: '1500',
      LOG_LEVEL: 'info',
    },
    'dist',
  );
  running.push(p);
  return p;
}

async function urlOf(p: GatewayProcess): Promise<string> {
  return (await p.waitFor(/GraphQL gateway:\s+(\S+)/))[1]!;
}

async function move(url: string, input: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: MOVE, variables: { input } }),
  });
  return res.json();
}

/** `n` fresh emails of the contact, all on deal P. */
async function emailsOnP(n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await emulator.admin<{ message_id: string }>('POST', '/__emulator/inbound', {
      contactId,
      subject: `${tag} ${i}`,
    });
    ids.push(res.body.message_id);
    emulator.store.setEmailLink(orgId, res.body.message_id, dealP);
  }
  return ids;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'gateway-crash-'));
  const c = contactsWithEmails(emulator, { minEmails: 1, count: 1 })[0]!;
  contactId = c.contactId;
  [dealP, dealT] = c.relatedDealIds as [string, string];
  if (!dealT) throw new Error('the fixture contact needs two related deals');
}, 60_000);
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during a 200-email move in reject mode', () => {
  it('the restarted gateway, sent nothing, leaves every email on its previous deal or its target; the key then answers the truth', async () => {
    const stateDb = join(dir, 'crash.sqlite');
    const ids = await emailsOnP(200, 'crash');
    await emulator.admin('PUT', '/__emulator/config', { relinkMode: 'reject', latencyMs: 40 });
    const a = startGateway(stateDb);
    const url = await urlOf(a);
    const key = 'crash-move-1';
    const input = { dealId: dealT, emails: ids.map((messageId) => ({ contactId, messageId })), idempotencyKey: key };
    emulator.stats.reset();
    const first = move(url, input).catch((e: unknown) => e);

    // Kill it as soon as the move has left an email on no deal.
    const onNone = () => ids.filter((id) => linkedDealOf(emulator, id) === null);
    for (let i = 0; i < 600 && onNone().length === 0; i++) await sleep(10);
    process.kill(-a.child.pid!, 'SIGKILL');
    await a.exited;
    await first;
    const stranded = onNone();
    expect(stranded.length, 'the kill came after some unlinks').toBeGreaterThan(0);
    expect(emulator.stats.snapshot().requests[UNLINK]).toBeGreaterThan(0);
    await emulator.admin('PUT', '/__emulator/config', { latencyMs: 0 });

    // A new gateway on the same data folder; nobody calls it.
    const b = startGateway(stateDb);
    const urlB = await urlOf(b);
    const deadline = Date.now() + WINDOW_MS + 30_000;
    while (onNone().length > 0 && Date.now() < deadline) await sleep(200);
    expect(onNone(), 'no email is left on no deal').toEqual([]);
    for (const id of ids) expect([dealP, dealT]).toContain(linkedDealOf(emulator, id));
    await b.waitFor(/an interrupted move was repaired/);
    // The log names each email it put back.
    for (const id of stranded) expect(b.output()).toContain(id);

    // The key now answers where each email is.
    const again = await move(urlB, input);
    expect(again.errors).toBeUndefined();
    const results = again.data.moveEmailsToDeal.results as Array<{
      messageId: string;
      status: string;
      restored: boolean | null;
    }>;
    expect(results).toHaveLength(200);
    // (The links the dead gateway had in flight may have landed after it died, as Zoho applies a
    // write whose client went away: those emails are on the target, and SUCCEEDED.)
    for (const r of results) {
      const on = linkedDealOf(emulator, r.messageId);
      if (r.status === 'SUCCEEDED') expect(on).toBe(dealT);
      else if (r.status === 'FAILED') expect(on).toBe(dealP);
      else throw new Error(`item ${r.messageId} is ${r.status}`);
      if (r.restored) expect(on).toBe(dealP);
    }
    await emulator.admin('PUT', '/__emulator/config', { relinkMode: 'replace' });
  }, 120_000);
});

describe('a repeat while the first call runs in another gateway process', () => {
  it('gets IDEMPOTENCY_KEY_IN_USE with a retry hint, and the stored results once the first is done', async () => {
    const stateDb = join(dir, 'shared.sqlite');
    const ids = await emailsOnP(30, 'shared');
    const [a, b] = [startGateway(stateDb), startGateway(stateDb)];
    const [urlA, urlB] = await Promise.all([urlOf(a), urlOf(b)]);
    await emulator.admin('PUT', '/__emulator/config', { latencyMs: 300 });
    try {
      const input = {
        dealId: dealT,
        emails: ids.map((messageId) => ({ contactId, messageId })),
        idempotencyKey: 'shared-move',
      };
      const first = move(urlA, input);
      await sleep(400);
      const busy = await move(urlB, input);
      expect(busy.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(busy.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
      const done = await first;
      expect(done.data.moveEmailsToDeal.succeededCount).toBe(30);
      await emulator.admin('PUT', '/__emulator/config', { latencyMs: 0 });
      emulator.stats.reset();
      const repeat = await move(urlB, input);
      expect(repeat.data).toEqual(done.data);
      expect(emulator.stats.snapshot().requests).toEqual({});
    } finally {
      await emulator.admin('PUT', '/__emulator/config', { latencyMs: 0 });
    }
  }, 120_000);
});
