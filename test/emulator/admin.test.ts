/** The admin API, first part: stats, stats/reset, reset, tokens and config (CONTRACT.md). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, DEFAULT_CONFIG, DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const C = ARTICLE.contactWithManyEmails;

describe('stats', () => {
  it('counts every /crm request under its templated route, rejected ones included, query stripped', async () => {
    await emu.admin('POST', '/__emulator/stats/reset');
    await emu.api('GET', `/crm/v8/Contacts/${C}/Emails?index=0`);
    await emu.api('GET', `/crm/v8/Contacts/${C}/Emails`);
    await emu.api('GET', `/crm/v8/Contacts/${C}/Emails/${ARTICLE.emailOfFirstContact}?owner_id=1`);
    await emu.api('POST', `/crm/v8/Contacts/${C}/Emails/actions/link_record`, { body: {} });
    await emu.api('DELETE', `/crm/v8/Contacts/${C}/Emails/${ARTICLE.emailOfFirstContact}/actions/link_record`, {
      token: null,
    });
    await emu.api('GET', '/crm/v8/Deals');
    await emu.api('GET', '/crm/v8/org');
    await emu.refreshToken();
    await emu.admin('GET', '/__emulator/config');
    const { body } = await emu.admin('GET', '/__emulator/stats');
    expect(body.requests).toEqual({
      'GET /crm/v8/Contacts/{id}/Emails': 2,
      'GET /crm/v8/Contacts/{id}/Emails/{message_id}': 1,
      'POST /crm/v8/Contacts/{id}/Emails/actions/link_record': 1,
      'DELETE /crm/v8/Contacts/{id}/Emails/{message_id}/actions/link_record': 1,
      'GET /crm/v8/Deals': 1,
      'GET /crm/v8/org': 1,
    });
    expect(body.rejected).toEqual({ '400': 2, '401': 1 });
    expect(body.tokenGrants).toBe(1);
  });

  it('records the most /crm requests in flight at once', async () => {
    await emu.admin('POST', '/__emulator/stats/reset');
    await Promise.all(Array.from({ length: 8 }, () => emu.api('GET', `/crm/v8/Contacts/${C}/Emails`)));
    const { body } = await emu.admin('GET', '/__emulator/stats');
    expect(body.maxInFlight).toBeGreaterThanOrEqual(1);
    expect(body.maxInFlight).toBeLessThanOrEqual(8);
    expect(body.inFlight).toBe(0);
  });

  it('zeroes the counters on stats/reset', async () => {
    await emu.api('GET', '/crm/v8/org');
    const { body } = await emu.admin('POST', '/__emulator/stats/reset');
    expect(body).toMatchObject({ requests: {}, rejected: {}, tokenGrants: 0, maxInFlight: 0 });
  });
});

describe('reset', () => {
  it('reseeds the demo org, undoing links', async () => {
    const path = `/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Emails/${ARTICLE.emailsOfSecondContact[0]}`;
    await emu.api('POST', `${path}/actions/link_record`, {
      body: {
        Emails: [
          {
            owner: { id: ARTICLE.userPatriciaBoyle },
            linked_record: {
              id: ARTICLE.dealTravelInsurance,
              module: { api_name: 'Deals', id: ARTICLE.dealsModuleId },
            },
          },
        ],
      },
    });
    expect((await emu.api('GET', path)).body.Emails[0].linked_record).not.toBeNull();
    expect((await emu.admin('POST', '/__emulator/reset')).body).toEqual({ ok: true });
    expect((await emu.api('GET', path)).body.Emails[0].linked_record).toBeNull();
  });
});

describe('tokens', () => {
  it('mints a usable token with the demo credentials', async () => {
    const { status, body } = await emu.admin('POST', '/__emulator/tokens');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      access_token: expect.any(String),
      refresh_token: DEMO_CREDENTIALS.refreshToken,
      client_id: DEMO_CREDENTIALS.clientId,
      client_secret: DEMO_CREDENTIALS.clientSecret,
      api_domain: emu.url,
      expires_in: 3600,
    });
    expect((await emu.api('GET', '/crm/v8/org', { token: body.access_token })).status).toBe(200);
  });
});

describe('config', () => {
  it('stores every contract key and answers the whole config', async () => {
    const patch = {
      latencyMs: 0,
      jitterMs: 0,
      concurrencyLimit: null,
      dailyCredits: null,
      tokenMintLimit: 50,
      accessTokenTtlSeconds: 900,
      batchMode: 'partial',
      relinkMode: 'replace',
    };
    const { status, body } = await emu.admin('PUT', '/__emulator/config', patch);
    expect(status).toBe(200);
    expect(body).toMatchObject(patch);
    await emu.admin('PUT', '/__emulator/config', {
      tokenMintLimit: DEFAULT_CONFIG.tokenMintLimit,
      accessTokenTtlSeconds: 3600,
    });
  });

  it('stores the keys the emulator adds to the contract, and answers them with their defaults', async () => {
    const added = {
      predictionEligible: 'not_closed_lost',
      applyAbandonedWrites: false,
      liveTokenLimit: 3,
      mailConcurrencyLimit: 2,
      tokenErrorLocale: 'zh',
      tokenMintRefusalStatus: 400,
    };
    const defaults = (await emu.admin('GET', '/__emulator/config')).body;
    expect(defaults).toMatchObject({
      predictionEligible: 'open',
      applyAbandonedWrites: true,
      liveTokenLimit: 15,
      mailConcurrencyLimit: 10,
      tokenErrorLocale: 'en',
      tokenMintRefusalStatus: 200,
    });
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(DEFAULT_CONFIG).sort());
    expect((await emu.admin('PUT', '/__emulator/config', added)).body).toMatchObject(added);
    const restore = Object.fromEntries(Object.keys(added).map((k) => [k, defaults[k]]));
    expect((await emu.admin('PUT', '/__emulator/config', restore)).body).toEqual(defaults);
  });

  it('refuses unknown keys and bad values with a clear 400', async () => {
    const unknown = await emu.admin('PUT', '/__emulator/config', { latency: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/unknown key.*latency/);
    const bad = await emu.admin('PUT', '/__emulator/config', {
      batchMode: 'all-or-nothing',
      accessTokenTtlSeconds: -1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/batchMode/);
    expect(bad.body.error).toMatch(/accessTokenTtlSeconds/);
    expect((await emu.admin('GET', '/__emulator/config')).body.batchMode).toBe('partial');
  });
});
