/**
 * A write whose client goes away before the answer (it timed out, or reset the connection) is
 * applied all the same, as Zoho applies a request it has received: a POST as well as a DELETE.
 * With `applyAbandonedWrites: false` such writes are dropped instead. Over real HTTP: the client
 * sends the whole request, waits until the emulator is working on it (slowed by `latencyMs`), and
 * gives up; the test then waits for the emulator's count of abandoned writes, and reads the state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  emu.reseed();
  await emu.admin('PUT', '/__emulator/config', { latencyMs: 0, applyAbandonedWrites: true });
  await emu.admin('POST', '/__emulator/stats/reset');
});

const CONTACT = ARTICLE.contactOfMultiLink;
const [LINKED, UNLINKED] = [ARTICLE.emailsOfSecondContact[0]!, ARTICLE.emailsOfSecondContact[1]!];
const linkPath = (id: string) => `/crm/v8/Contacts/${CONTACT}/Emails/${id}/actions/link_record`;
const linkBody = {
  Emails: [
    {
      owner: { id: ARTICLE.userPatriciaBoyle },
      linked_record: { id: ARTICLE.dealTravelInsurance, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
    },
  ],
};

async function linkedDealOf(messageId: string): Promise<string | null> {
  const res = await emu.api('GET', `/crm/v8/Contacts/${CONTACT}/Emails/${messageId}`);
  return res.body.Emails[0].linked_record?.id ?? null;
}

async function stats() {
  return (await emu.admin('GET', '/__emulator/stats')).body;
}

/** Polls the stats until `check` holds; gives up (with the last stats) after 400 polls. */
async function until(check: (s: any) => boolean): Promise<any> {
  let s: any;
  for (let i = 0; i < 400; i++) {
    s = await stats();
    if (check(s)) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the emulator never got there: ${JSON.stringify(s)}`);
}

/**
 * Sends the call, waits until the emulator has it in flight (its body read, the latency running),
 * then gives up; resolves with how the client's fetch ended.
 */
async function abandon(method: string, path: string, body?: unknown): Promise<string> {
  const route = `${method} /crm/v8/Contacts/{id}/Emails${path.includes('/actions/') ? '/{message_id}/actions/link_record' : ''}`;
  const controller = new AbortController();
  const sent = fetch(emu.url + path, {
    method,
    signal: controller.signal,
    headers: {
      authorization: `Zoho-oauthtoken ${emu.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(
    (res) => `answered ${res.status}`,
    (e: Error) => e.name,
  );
  await until((s) => (s.requests[route] ?? 0) >= 1 && s.inFlight >= 1);
  controller.abort();
  return sent;
}

describe('writes whose client went away', () => {
  it('applies an abandoned POST and an abandoned DELETE, as Zoho would (applyAbandonedWrites: true, the default)', async () => {
    expect((await emu.admin('GET', '/__emulator/config')).body.applyAbandonedWrites).toBe(true);
    // Set up the unlink: LINKED starts on the deal.
    expect((await emu.api('POST', linkPath(LINKED), { body: linkBody })).status).toBe(200);
    expect(await linkedDealOf(UNLINKED)).toBeNull();
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 1_000 });

    // One after the other: each client gives up while the emulator still works on its call.
    const outcomes = [
      await abandon('POST', linkPath(UNLINKED), linkBody),
      await abandon('DELETE', `${linkPath(LINKED)}?owner_id=${ARTICLE.userPatriciaBoyle}`),
    ];
    expect(outcomes).toEqual(['AbortError', 'AbortError']);

    const after = await until((s) => s.abandonedWrites.applied === 2);
    expect(after.abandonedWrites).toEqual({ applied: 2, dropped: 0 });
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 0 });
    expect(await linkedDealOf(UNLINKED)).toBe(ARTICLE.dealTravelInsurance);
    expect(await linkedDealOf(LINKED)).toBeNull();
  });

  it('drops them when applyAbandonedWrites is false, leaving the state as it was', async () => {
    expect((await emu.api('POST', linkPath(LINKED), { body: linkBody })).status).toBe(200);
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 1_000, applyAbandonedWrites: false });

    await abandon('POST', linkPath(UNLINKED), linkBody);
    await abandon('DELETE', `${linkPath(LINKED)}?owner_id=${ARTICLE.userPatriciaBoyle}`);

    expect((await until((s) => s.abandonedWrites.dropped === 2)).abandonedWrites).toEqual({ applied: 0, dropped: 2 });
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 0 });
    expect(await linkedDealOf(UNLINKED)).toBeNull();
    expect(await linkedDealOf(LINKED)).toBe(ARTICLE.dealTravelInsurance);
  });

  it('does not count a read whose client went away, nor a write that was answered', async () => {
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 300 });
    await abandon('GET', `/crm/v8/Contacts/${CONTACT}/Emails`);
    expect((await emu.api('POST', linkPath(UNLINKED), { body: linkBody })).status).toBe(200);
    const s = await until((x) => x.inFlight === 0);
    expect(s.abandonedWrites).toEqual({ applied: 0, dropped: 0 });
  });
});
