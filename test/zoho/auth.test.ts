/**
 * Credentials against the emulator's accounts server: single-flight refresh, one refresh and one
 * retry after a 401, the token-mint limit, and host precedence.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZohoError, getOrg, listEmails, type ZohoTokenRefreshEvent } from '../../src/zoho/index.ts';
import { ARTICLE, DEMO_CREDENTIALS, serviceClient, startTestEmulator, type TestEmulator } from './support.ts';

let a: TestEmulator;
/** A second emulator: an API host that knows none of the first one's tokens. */
let b: TestEmulator;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
beforeEach(async () => {
  await a.admin
    .config({ accessTokenTtlSeconds: 3600, tokenMintLimit: 10_000 })
    .catch(() => a.admin.config({ accessTokenTtlSeconds: 3600 }));
  await a.admin.clearFaults().catch(() => undefined);
  await a.admin.resetClock();
  await a.admin.resetStats();
});

const HOUR = 3_600_000;

const emailsOf = (c: Parameters<typeof listEmails>[0]) =>
  listEmails(c, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails });

describe('service credentials', () => {
  it('mints a token on first use and reuses it', async () => {
    const refreshes: ZohoTokenRefreshEvent[] = [];
    const zoho = serviceClient(a.url, {}, { hooks: { onTokenRefresh: (e) => refreshes.push(e) } });
    for (let i = 0; i < 5; i++) await getOrg(zoho);
    expect((await a.admin.stats()).tokenGrants).toBe(1);
    expect(refreshes).toMatchObject([{ reason: 'initial', ok: true }]);
    expect(zoho.hasToken()).toBe(true);
    zoho.close();
  });

  it('refreshes once for a burst of 100 calls that find the token expired', async () => {
    const refreshes: ZohoTokenRefreshEvent[] = [];
    // The client reads the emulator's clock, as a gateway and Zoho share the time of day.
    const zoho = serviceClient(
      a.url,
      {},
      { hooks: { onTokenRefresh: (e) => refreshes.push(e) }, now: a.emu.clock.now },
    );
    await getOrg(zoho);
    await a.admin.advanceClock(HOUR);
    await a.admin.resetStats();
    const results = await Promise.all(Array.from({ length: 100 }, () => getOrg(zoho)));
    expect(results.every((o) => o.id === DEMO_CREDENTIALS.orgId)).toBe(true);
    expect((await a.admin.stats()).tokenGrants).toBe(1);
    expect(refreshes.map((r) => r.reason)).toEqual(['initial', 'expired']);
    zoho.close();
  });

  it('refreshes once when the token dies in the middle of a 50-call burst', async () => {
    const refreshes: ZohoTokenRefreshEvent[] = [];
    let completed = 0;
    const statuses: Array<number | null> = [];
    // The client keeps real time, so it still believes its token has an hour when Zoho's hour is up.
    const zoho = serviceClient(
      a.url,
      { concurrency: 5 },
      {
        hooks: {
          onTokenRefresh: (e) => refreshes.push(e),
          onCall: (e) => {
            statuses.push(e.status);
            // An hour passes at Zoho under our feet; the token minted after it lives its own hour.
            if (++completed === 20) a.emu.clock.advance(HOUR);
          },
        },
      },
    );
    await getOrg(zoho);
    completed = 0;
    statuses.length = 0;
    await a.admin.resetStats();
    const pages = await Promise.all(Array.from({ length: 50 }, () => emailsOf(zoho)));
    expect(pages.every((p) => p.emails.length === 10)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect((await a.admin.stats()).tokenGrants).toBe(1);
    expect(refreshes.filter((r) => r.reason !== 'initial')).toHaveLength(1);
    zoho.close();
  });

  it('after a 401 refreshes once and retries once, never looping', async () => {
    // Tokens come from A but calls go to B, which rejects every one of them.
    const zoho = serviceClient(a.url, { apiBaseUrl: b.url });
    await b.admin.resetStats();
    const e = await getOrg(zoho).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'auth', status: 401, code: 'INVALID_TOKEN', attempts: 2 });
    expect((await a.admin.stats()).tokenGrants).toBe(2);
    expect((await b.admin.stats()).requests['GET /crm/v8/org']).toBe(2);
    zoho.close();
  });

  it('refuses locally past its mint limit, without asking Zoho', async () => {
    const zoho = serviceClient(a.url, { apiBaseUrl: b.url, token: { mintLimit: 2 } });
    await getOrg(zoho).catch(() => undefined); // initial mint + one after the 401
    const e = await getOrg(zoho).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZohoError);
    expect(e).toMatchObject({ kind: 'token_mint', code: 'OAUTH_MINT_LIMIT', details: { refusedBy: 'client' } });
    expect((e as ZohoError).details.retryAfterMs).toBeGreaterThan(0);
    expect((await a.admin.stats()).tokenGrants).toBe(2);
    zoho.close();
  });

  it("reports Zoho's own mint refusal clearly, then stops asking", async () => {
    // A fresh accounts server: Zoho counts every grant of the last 10 minutes per refresh token.
    const accounts = await startTestEmulator({ tokenMintLimit: 2 });
    try {
      const zoho = serviceClient(accounts.url, { apiBaseUrl: b.url });
      await getOrg(zoho).catch(() => undefined); // two grants: the first token, and one after the 401
      const refused = await getOrg(zoho).catch((x: unknown) => x);
      expect(refused).toMatchObject({
        kind: 'token_mint',
        code: 'OAUTH_MINT_LIMIT',
        // Zoho answers its mint refusal with HTTP 200 and an error body (the emulator's default).
        status: 200,
        details: { refusedBy: 'accounts' },
      });
      const again = await getOrg(zoho).catch((x: unknown) => x);
      expect(again).toMatchObject({ code: 'OAUTH_MINT_LIMIT', details: { refusedBy: 'client' } });
      expect((await accounts.admin.stats()).tokenGrants).toBe(2);
      zoho.close();
    } finally {
      await accounts.close();
    }
  });

  it('reports wrong client credentials as OAUTH_REFRESH_FAILED', async () => {
    const zoho = serviceClient(a.url, { clientSecret: 'wrong' });
    const e = await getOrg(zoho).catch((x: unknown) => x);
    expect(e).toMatchObject({
      kind: 'auth',
      code: 'OAUTH_REFRESH_FAILED',
      details: { error: 'invalid_client_secret' },
    });
    zoho.close();
  });

  it('retries the token request once after the accounts server fails', async () => {
    await a.admin.fault({ route: 'POST /oauth/v2/token', status: 500, count: 1 });
    const zoho = serviceClient(a.url);
    expect((await getOrg(zoho)).id).toBe(DEMO_CREDENTIALS.orgId);
    expect((await a.admin.stats()).tokenGrants).toBe(1);
    zoho.close();
  });
});

describe('host precedence', () => {
  it("sends API calls to the token's api_domain when ZOHO_API_BASE_URL is unset, whatever the DC", async () => {
    const zoho = serviceClient(a.url, { apiBaseUrl: null, dc: 'ca' });
    expect((await getOrg(zoho)).id).toBe(DEMO_CREDENTIALS.orgId);
    expect((await a.admin.stats()).requests['GET /crm/v8/org']).toBe(1);
    zoho.close();
  });

  it("prefers ZOHO_API_BASE_URL over the token's api_domain", async () => {
    await b.admin.resetStats();
    const zoho = serviceClient(a.url, { apiBaseUrl: b.url });
    await getOrg(zoho).catch(() => undefined);
    expect((await b.admin.stats()).requests['GET /crm/v8/org']).toBeGreaterThan(0);
    expect((await a.admin.stats()).requests['GET /crm/v8/org'] ?? 0).toBe(0);
    zoho.close();
  });
});
