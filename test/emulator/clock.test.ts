/**
 * The emulator's clock (`/__emulator/clock`): a test moves it instead of waiting, and everything
 * the emulator dates follows it: token expiry, the 10-minute mint window, the 24-hour credit
 * window.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';

const T0 = Date.parse('2026-03-01T09:00:00Z');
const HOUR = 3_600_000;
const ORG = '/crm/v8/org';

let emu: TestEmulator;
/** The emulator's time source: it stands still unless a test moves it. */
let source = T0;
beforeAll(async () => {
  emu = await startTestEmulator({ clock: () => source, config: { tokenMintLimit: 1_000 } });
});
afterAll(() => emu.close());
beforeEach(async () => {
  source = T0;
  await emu.admin('DELETE', '/__emulator/clock');
  await emu.admin('PUT', '/__emulator/config', {
    accessTokenTtlSeconds: 3600,
    dailyCredits: null,
    tokenMintLimit: 1_000,
  });
});

const advance = (advanceMs: number) => emu.admin('POST', '/__emulator/clock', { advanceMs });

describe('the clock route', () => {
  it('answers the time, moves it forward or to a moment, and goes back to the time source', async () => {
    expect((await emu.admin('GET', '/__emulator/clock')).body).toEqual({
      nowMs: T0,
      now: '2026-03-01T09:00:00.000Z',
      offsetMs: 0,
    });
    expect((await advance(90_000)).body).toEqual({
      nowMs: T0 + 90_000,
      now: '2026-03-01T09:01:30.000Z',
      offsetMs: 90_000,
    });
    // Time flows on from where it was set.
    source += 1_000;
    expect((await emu.admin('GET', '/__emulator/clock')).body.nowMs).toBe(T0 + 91_000);
    const moment = Date.parse('2026-02-28T00:00:00Z');
    expect((await emu.admin('POST', '/__emulator/clock', { nowMs: moment })).body).toMatchObject({ nowMs: moment });
    expect((await emu.admin('DELETE', '/__emulator/clock')).body).toEqual({
      nowMs: T0 + 1_000,
      now: '2026-03-01T09:00:01.000Z',
      offsetMs: 0,
    });
    expect(emu.clock.now()).toBe(T0 + 1_000);
  });

  it('refuses anything but one whole, non-negative number of milliseconds with a clear 400', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /exactly one of advanceMs and nowMs/],
      [{ advanceMs: 1, nowMs: 1 }, /exactly one/],
      [{ advanceMs: -1 }, /advanceMs must be a whole number of milliseconds, 0 or more/],
      [{ advanceMs: 1.5 }, /advanceMs must be a whole number/],
      [{ nowMs: '2026-01-01' }, /nowMs must be a whole number/],
      [{ offsetMs: 5 }, /unknown key "offsetMs"/],
      [[1], /expected a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await emu.admin('POST', '/__emulator/clock', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect((await emu.admin('GET', '/__emulator/clock')).body.offsetMs).toBe(0);
  });

  it('is put back by the full reset', async () => {
    await advance(HOUR);
    await emu.admin('POST', '/__emulator/reset');
    expect((await emu.admin('GET', '/__emulator/clock')).body).toMatchObject({ nowMs: T0, offsetMs: 0 });
  });
});

describe('what the clock dates', () => {
  it('expires an hour-long token once the clock passes its hour, not a millisecond before', async () => {
    const token = await emu.refreshToken();
    await advance(HOUR - 1);
    expect((await emu.api('GET', ORG, { token })).status).toBe(200);
    await advance(1);
    expect((await emu.api('GET', ORG, { token })).body).toMatchObject({ code: 'INVALID_TOKEN' });
    // A token issued now lives its own hour.
    expect((await emu.api('GET', ORG, { token: await emu.refreshToken() })).status).toBe(200);
  });

  it('lets the 10-minute token-mint window pass', async () => {
    await emu.admin('PUT', '/__emulator/config', { tokenMintLimit: 2 });
    // The second org's refresh token: no other test here mints from it.
    const creds = (await emu.admin('POST', '/__emulator/tokens', { org: 'second' })).body;
    const mint = async () => {
      const res = await fetch(`${emu.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: creds.client_id,
          client_secret: creds.client_secret,
          refresh_token: creds.refresh_token,
        }),
      });
      return ((await res.json()) as { access_token?: string; error?: string }).access_token ? 'minted' : 'refused';
    };
    expect([await mint(), await mint(), await mint()]).toEqual(['minted', 'minted', 'refused']);
    // A grant counts for ten minutes to the millisecond.
    await advance(10 * 60_000);
    expect(await mint()).toBe('refused');
    await advance(1);
    expect([await mint(), await mint(), await mint()]).toEqual(['minted', 'minted', 'refused']);
  });

  it('gives the daily credits back 24 hours after they were spent', async () => {
    // Tokens that outlive the wait: the credits are what is being watched.
    await emu.admin('PUT', '/__emulator/config', { dailyCredits: 2, accessTokenTtlSeconds: 48 * 3600 });
    const token = (await emu.admin('POST', '/__emulator/tokens')).body.access_token as string;
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await emu.api('GET', ORG, { token })).status);
      return out;
    };
    expect(await statuses(3)).toEqual([200, 200, 429]);
    await advance(23 * HOUR);
    expect(await statuses(1)).toEqual([429]);
    await advance(HOUR + 60_000);
    expect(await statuses(3)).toEqual([200, 200, 429]);
  });

  it('dates an inbound email that names no time by the clock', async () => {
    await emu.admin('POST', '/__emulator/clock', { nowMs: Date.parse('2030-06-01T12:00:00Z') });
    const contactId = emu.store.db
      .prepare('SELECT id FROM contacts WHERE org_id = ? LIMIT 1')
      .get(DEMO_CREDENTIALS.orgId) as {
      id: string;
    };
    const res = await emu.admin('POST', '/__emulator/inbound', { contactId: contactId.id, subject: 'From the future' });
    expect(res.status).toBe(200);
    const read = await emu.api('GET', `/crm/v8/Contacts/${contactId.id}/Emails/${res.body.message_id}`, {
      token: await emu.mintToken(),
    });
    expect(read.body.Emails[0].sent_time).toMatch(/^2030-06-01T/);
  });
});
