import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyGate, CreditLedger, latencyDelayMs } from '../../src/emulator/http/limits.ts';
import { ARTICLE, DEMO_SECOND_USER_ID } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

describe('limits, as state machines', () => {
  it('admits calls up to the concurrency limit and refuses the next one until a slot frees', () => {
    const gate = new ConcurrencyGate();
    const a = gate.tryEnter('org', 2);
    const b = gate.tryEnter('org', 2);
    expect(a && b).toBeTruthy();
    expect(gate.tryEnter('org', 2)).toBeNull();
    expect(gate.tryEnter('other-org', 2)).not.toBeNull();
    a!();
    a!(); // releasing twice frees one slot only
    expect(gate.inFlight('org')).toBe(1);
    expect(gate.tryEnter('org', 2)).not.toBeNull();
  });

  it('spends credits over a rolling 24 hours, reporting what is left once half are gone', () => {
    let now = Date.parse('2025-05-01T00:00:00Z');
    const ledger = new CreditLedger(() => now);
    expect(ledger.spend('org', 4)).toEqual({ allowed: true, remaining: null });
    expect(ledger.spend('org', 4)).toEqual({ allowed: true, remaining: 2 });
    now += 60 * 60 * 1000;
    expect(ledger.spend('org', 4)).toEqual({ allowed: true, remaining: 1 });
    expect(ledger.spend('org', 4)).toEqual({ allowed: true, remaining: 0 });
    expect(ledger.spend('org', 4)).toEqual({ allowed: false, remaining: 0 });
    // A day after the first two calls, their credits come back; the later two still count.
    now += 23 * 60 * 60 * 1000 + 60 * 1000;
    expect(ledger.used('org')).toBe(2);
    expect(ledger.spend('org', 4)).toEqual({ allowed: true, remaining: 1 });
    expect(ledger.spend('org', null)).toEqual({ allowed: true, remaining: null });
  });

  it('adds jitter on top of the latency, never below it', () => {
    expect(latencyDelayMs(100, 50, () => 0)).toBe(100);
    expect(latencyDelayMs(100, 50, () => 0.999)).toBe(149);
    expect(latencyDelayMs(0, 0, () => 0.5)).toBe(0);
  });
});

describe('limits over HTTP', () => {
  let emu: TestEmulator;
  const ORG = '/crm/v8/org';

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.admin('PUT', '/__emulator/config', {
      concurrencyLimit: null,
      dailyCredits: null,
      latencyMs: 0,
      jitterMs: 0,
      tokenMintLimit: 1000,
    });
    await emu.admin('POST', '/__emulator/stats/reset');
  });

  it('refuses the call beyond the concurrency limit at once with 429, and counts it', async () => {
    await emu.admin('PUT', '/__emulator/config', { concurrencyLimit: 3, latencyMs: 300 });
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map(() => emu.api('GET', ORG)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = results.find((r) => r.status === 429)!;
    expectMatchesOas('GET', ORG, 429, refused.body);
    expect(refused.body).toEqual({
      code: 'TOO_MANY_REQUESTS',
      details: {},
      message: 'too many requests. please try again after some time',
      status: 'error',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    // Three at once is fine; the slots are free again afterwards.
    const three = await Promise.all([1, 2, 3].map(() => emu.api('GET', ORG)));
    expect(three.map((r) => r.status)).toEqual([200, 200, 200]);
    const stats = (await emu.admin('GET', '/__emulator/stats')).body;
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(4);
    expect(stats.rejected).toEqual({ '429': 1 });
    expect(stats.requests['GET /crm/v8/org']).toBe(7);
  });

  it('holds mail calls to their own sub-concurrency limit, 10 by default, refused as the main limit refuses', async () => {
    const MAIL = `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`;
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 400 });
    expect((await emu.admin('GET', '/__emulator/config')).body.mailConcurrencyLimit).toBe(10);
    const eleven = await Promise.all(Array.from({ length: 11 }, () => emu.api('GET', MAIL)));
    expect(eleven.map((r) => r.status).sort()).toEqual([...Array(10).fill(200), 429]);

    await emu.admin('PUT', '/__emulator/config', { mailConcurrencyLimit: 2 });
    await emu.admin('POST', '/__emulator/stats/reset');
    const [mail, other] = await Promise.all([
      Promise.all([
        emu.api('GET', MAIL),
        emu.api('GET', `${MAIL}/${ARTICLE.emailOfFirstContact}`),
        emu.api('DELETE', `${MAIL}/actions/link_record?owner_id=1&message_ids=x`),
      ]),
      // Records and metadata are not mail: the main limit (none here) is all they meet.
      Promise.all([emu.api('GET', ORG), emu.api('GET', `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}`)]),
    ]);
    expect(mail.map((r) => r.status).filter((s) => s === 429)).toHaveLength(1);
    expect(other.map((r) => r.status)).toEqual([200, 200]);
    const refused = mail.find((r) => r.status === 429)!;
    expect(refused.body).toEqual({
      code: 'TOO_MANY_REQUESTS',
      details: {},
      message: 'too many requests. please try again after some time',
      status: 'error',
    });
    expect((await emu.admin('GET', '/__emulator/stats')).body.rejected['429']).toBe(1);

    // A call refused for mail gives its main slot back: with a main limit of 2 and one slow mail
    // call in flight, a second mail call is refused, and a record call still gets the second slot.
    await emu.admin('PUT', '/__emulator/config', { concurrencyLimit: 2, mailConcurrencyLimit: 1 });
    const slow = emu.api('GET', MAIL);
    while ((await emu.admin('GET', '/__emulator/stats')).body.inFlight < 1);
    expect((await emu.api('GET', MAIL)).status).toBe(429);
    expect((await emu.api('GET', ORG)).status).toBe(200);
    expect((await slow).status).toBe(200);
    await emu.admin('PUT', '/__emulator/config', { mailConcurrencyLimit: 10 });
  });

  it('counts concurrency per user, as Zoho does', async () => {
    await emu.admin('PUT', '/__emulator/config', { concurrencyLimit: 1, latencyMs: 200 });
    const daniel = (await emu.admin('POST', '/__emulator/tokens', { user: DEMO_SECOND_USER_ID })).body.access_token;
    const [patricia, other] = await Promise.all([emu.api('GET', ORG), emu.api('GET', ORG, { token: daniel })]);
    expect([patricia.status, other.status]).toEqual([200, 200]);
  });

  it('reports the credits left once half are spent, and refuses calls when none are left', async () => {
    await emu.admin('PUT', '/__emulator/config', { dailyCredits: 4 });
    const seen: Array<[number, string | null]> = [];
    for (let i = 0; i < 5; i++) {
      const res = await emu.api('GET', ORG);
      seen.push([res.status, res.headers.get('x-api-credits-remaining')]);
      if (res.status === 429) expect(res.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    }
    expect(seen).toEqual([
      [200, null],
      [200, '2'],
      [200, '1'],
      [200, '0'],
      [429, '0'],
    ]);
    // A stats reset starts a fresh budget.
    await emu.admin('POST', '/__emulator/stats/reset');
    expect((await emu.api('GET', ORG)).status).toBe(200);
  });

  it('refuses the eleventh token minted from one refresh token within 10 minutes, until the limit is raised', async () => {
    await emu.admin('PUT', '/__emulator/config', { tokenMintLimit: 10 });
    // The second org's credentials: no other test mints from this refresh token.
    const creds = (await emu.admin('POST', '/__emulator/tokens', { org: 'second' })).body;
    const mint = () =>
      fetch(`${emu.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: creds.client_id,
          client_secret: creds.client_secret,
          refresh_token: creds.refresh_token,
        }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    // Tokens minted through the admin API (as above) do not count against the limit.
    for (let i = 0; i < 10; i++) expect((await mint()).body.access_token).toMatch(/^1000\./);
    // Zoho's refusal, as Kaizen #43 and client logs show it: HTTP 200, status "failure".
    expect(await mint()).toEqual({
      status: 200,
      body: {
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      },
    });
    // Localized, as Zoho localizes it (error and description both), and with HTTP 400 as some
    // clients have logged it.
    await emu.admin('PUT', '/__emulator/config', { tokenErrorLocale: 'zh', tokenMintRefusalStatus: 400 });
    expect(await mint()).toEqual({
      status: 400,
      body: { error_description: '您已连续提出过多请求，请稍后再试。', error: '拒绝访问', status: 'failure' },
    });
    await emu.admin('PUT', '/__emulator/config', { tokenErrorLocale: 'en', tokenMintRefusalStatus: 200 });
    await emu.admin('PUT', '/__emulator/config', { tokenMintLimit: 12 });
    expect((await mint()).status).toBe(200);
    // The admin API's grant, ten through the token endpoint and one more after raising the limit;
    // the refusals issued nothing.
    expect((await emu.admin('GET', '/__emulator/stats')).body.tokenGrants).toBe(12);
  });

  it('adds latency with jitter to /crm calls only', async () => {
    await emu.admin('PUT', '/__emulator/config', { latencyMs: 150, jitterMs: 50 });
    const t0 = Date.now();
    expect((await emu.api('GET', ORG)).status).toBe(200);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(145);
    expect(took).toBeLessThan(1000);
    const t1 = Date.now();
    await emu.admin('GET', '/__emulator/stats');
    expect(Date.now() - t1).toBeLessThan(100);
  });

  it('counts every /crm request under its templated route, query stripped, and nothing else', async () => {
    const c = ARTICLE.contactWithManyEmails;
    await emu.api('GET', `/crm/v8/Contacts/${c}/Emails?type=user_emails`);
    await emu.api('GET', `/crm/v8/Contacts/${c}/Emails/${ARTICLE.emailOfFirstContact}`);
    await emu.api('GET', '/crm/v8/Deals?fields=Deal_Name');
    await emu.api('GET', '/crm/v8/Deals', { token: 'not-a-token' });
    await emu.refreshToken();
    await emu.admin('GET', '/__emulator/config');
    const stats = (await emu.admin('GET', '/__emulator/stats')).body;
    expect(stats.requests).toEqual({
      'GET /crm/v8/Contacts/{id}/Emails': 1,
      'GET /crm/v8/Contacts/{id}/Emails/{message_id}': 1,
      'GET /crm/v8/Deals': 2,
    });
    expect(stats.rejected).toEqual({ '401': 1 });
    expect(stats.tokenGrants).toBe(1);
  });
});
