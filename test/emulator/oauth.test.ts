/** Zoho Accounts' refresh-token grant in every form Zoho accepts, and the /crm token check. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const grant = {
  grant_type: 'refresh_token',
  client_id: DEMO_CREDENTIALS.clientId,
  client_secret: DEMO_CREDENTIALS.clientSecret,
  refresh_token: DEMO_CREDENTIALS.refreshToken,
};
const CONTACT_EMAILS = `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`;
const INVALID_TOKEN = { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' };

async function token(init: RequestInit, query = '') {
  const res = await fetch(`${emu.url}/oauth/v2/token${query}`, { method: 'POST', ...init });
  return { status: res.status, body: (await res.json()) as any };
}

function expectToken(res: { status: number; body: any }) {
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    access_token: expect.stringMatching(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/),
    scope: expect.any(String),
    api_domain: emu.url,
    token_type: 'Bearer',
    expires_in: 3600,
  });
}

describe('the refresh-token grant', () => {
  it('takes its parameters in the query string', async () => {
    expectToken(await token({}, `?${new URLSearchParams(grant)}`));
  });

  it('takes a url-encoded form', async () => {
    expectToken(await token({ body: new URLSearchParams(grant) }));
  });

  it("takes a multipart form, as Zoho's SDK sends it", async () => {
    const form = new FormData();
    for (const [k, v] of Object.entries(grant)) form.append(k, v);
    expectToken(await token({ body: form }));
  });

  it('takes the client credentials as Basic auth', async () => {
    const basic = Buffer.from(`${grant.client_id}:${grant.client_secret}`).toString('base64');
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refresh_token });
    expectToken(await token({ body, headers: { authorization: `Basic ${basic}` } }));
  });

  it('issues tokens that work on /crm, and counts them', async () => {
    emu.stats.reset();
    const res = await token({ body: new URLSearchParams(grant) });
    const call = await emu.api('GET', CONTACT_EMAILS, { token: res.body.access_token });
    expect(call.status).toBe(200);
    expect(emu.stats.snapshot().tokenGrants).toBe(1);
  });

  it('refuses an unknown client, a wrong secret, an unknown refresh token and another grant type with HTTP 200, as Zoho does', async () => {
    expect(await token({ body: new URLSearchParams({ ...grant, client_id: '1000.NOBODY' }) })).toEqual({
      status: 200,
      body: { error: 'invalid_client' },
    });
    expect(await token({ body: new URLSearchParams({ ...grant, client_secret: 'nope' }) })).toEqual({
      status: 200,
      body: { error: 'invalid_client_secret' },
    });
    expect(await token({ body: new URLSearchParams({ ...grant, refresh_token: '1000.x.y' }) })).toEqual({
      status: 200,
      body: { error: 'invalid_code' },
    });
    expect(await token({ body: new URLSearchParams({ ...grant, grant_type: 'authorization_code' }) })).toEqual({
      status: 200,
      body: { error: 'unsupported_grant_type' },
    });
  });
});

describe('the token check on /crm', () => {
  it('answers a missing, unknown or Bearer-prefixed token with 401 INVALID_TOKEN', async () => {
    const cases = [
      await emu.api('GET', CONTACT_EMAILS, { token: null }),
      await emu.api('GET', CONTACT_EMAILS, {
        token: '1000.00000000000000000000000000000000.00000000000000000000000000000000',
      }),
      await emu.api('GET', CONTACT_EMAILS, { token: null, headers: { authorization: `Bearer ${emu.token}` } }),
    ];
    for (const res of cases) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_TOKEN);
      expectMatchesOas('GET', CONTACT_EMAILS, 401, res.body);
    }
  });

  it('expires tokens at issue time + the current TTL, including tokens already issued', async () => {
    const fresh = await emu.refreshToken();
    // Two minutes on the emulator's clock: nothing to an hour-long token.
    await emu.admin('POST', '/__emulator/clock', { advanceMs: 120_000 });
    try {
      expect((await emu.api('GET', CONTACT_EMAILS, { token: fresh })).status).toBe(200);
      await emu.admin('PUT', '/__emulator/config', { accessTokenTtlSeconds: 60 });
      const expired = await emu.api('GET', CONTACT_EMAILS, { token: fresh });
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual(INVALID_TOKEN);
      await emu.admin('PUT', '/__emulator/config', { accessTokenTtlSeconds: 3600 });
      // Lengthening the TTL revives it: expiry is always computed from the current TTL.
      expect((await emu.api('GET', CONTACT_EMAILS, { token: fresh })).status).toBe(200);
    } finally {
      await emu.admin('PUT', '/__emulator/config', { accessTokenTtlSeconds: 3600 });
      await emu.admin('DELETE', '/__emulator/clock');
    }
  });

  it('reports the current TTL as expires_in', async () => {
    await emu.admin('PUT', '/__emulator/config', { accessTokenTtlSeconds: 120 });
    try {
      const res = await token({ body: new URLSearchParams(grant) });
      expect(res.body.expires_in).toBe(120);
    } finally {
      await emu.admin('PUT', '/__emulator/config', { accessTokenTtlSeconds: 3600 });
    }
  });
});

describe('live access tokens per refresh token', () => {
  // Its own emulator: the limit counts every token issued from the demo refresh token.
  let fresh: TestEmulator;
  beforeAll(async () => {
    fresh = await startTestEmulator({ config: { tokenMintLimit: 1_000 } });
  });
  afterAll(() => fresh.close());

  const mint = async () => {
    const res = await fetch(`${fresh.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams(grant) });
    const body = (await res.json()) as { access_token: string };
    return body.access_token;
  };
  const works = async (t: string) => (await fresh.api('GET', '/crm/v8/org', { token: t })).status;

  it('keeps 15 alive: the 16th token issued revokes the oldest, which then gets 401 INVALID_TOKEN', async () => {
    expect((await fresh.admin('GET', '/__emulator/config')).body.liveTokenLimit).toBe(15);
    fresh.stats.reset();
    const tokens: string[] = [];
    for (let i = 0; i < 16; i++) tokens.push(await mint());
    const oldest = await fresh.api('GET', '/crm/v8/org', { token: tokens[0]! });
    expect(oldest.status).toBe(401);
    expect(oldest.body).toEqual(INVALID_TOKEN);
    for (const t of tokens.slice(1)) expect(await works(t)).toBe(200);
    expect(fresh.stats.snapshot()).toMatchObject({ tokenGrants: 16, tokensRevoked: 1 });
    // The 17th revokes the next oldest.
    await mint();
    expect(await works(tokens[1]!)).toBe(401);
    expect(await works(tokens[2]!)).toBe(200);
  });

  it('follows liveTokenLimit, and counts revoked tokens as grants for the mint limit', async () => {
    await fresh.admin('PUT', '/__emulator/config', { liveTokenLimit: 2, tokenMintLimit: 1_000 });
    const a = await mint();
    const b = await mint();
    const c = await mint();
    expect([await works(a), await works(b), await works(c)]).toEqual([401, 200, 200]);
    // Tokens minted through the admin API belong to no refresh token, and never count.
    expect(await works(fresh.token)).toBe(200);

    // Every token issued in the window counts against the mint limit, revoked or not.
    const grantsSoFar = fresh.store.countGrantsSince(DEMO_CREDENTIALS.refreshToken, Date.now() - 10 * 60 * 1000);
    await fresh.admin('PUT', '/__emulator/config', { tokenMintLimit: grantsSoFar });
    const refused = await fetch(`${fresh.url}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams(grant) });
    expect(await refused.json()).toMatchObject({ error: 'Access Denied', status: 'failure' });
    await fresh.admin('PUT', '/__emulator/config', { liveTokenLimit: 15, tokenMintLimit: 1_000 });
  });
});
