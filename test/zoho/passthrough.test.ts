/**
 * Pass-through mode: each caller's own token, nothing shared across callers, the org taken from
 * GET /org once per token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoError, createZohoClient, getOrg, listEmails, type ZohoClient } from '../../src/zoho/index.ts';
import { ARTICLE, DEMO_CREDENTIALS, FAST, startTestEmulator, type TestEmulator } from './support.ts';

let t: TestEmulator;
let zoho: ZohoClient;

beforeAll(async () => {
  t = await startTestEmulator();
  zoho = createZohoClient({ apiBaseUrl: t.url, authMode: 'passthrough', ...FAST });
});
afterAll(async () => {
  zoho.close();
  await t.close();
});

describe('pass-through', () => {
  it("calls Zoho with the caller's own token", async () => {
    const { access_token } = await t.admin.token();
    const caller = zoho.forCaller(`Zoho-oauthtoken ${access_token}`);
    expect((await getOrg(caller)).id).toBe(DEMO_CREDENTIALS.orgId);
    expect(caller.mode).toBe('passthrough');
  });

  it('refuses a request without a Zoho token, and the client has no credentials of its own', async () => {
    for (const header of [undefined, '', 'Bearer abc', 'Zoho-oauthtoken']) {
      expect(() => zoho.forCaller(header)).toThrow(ZohoError);
    }
    await expect(getOrg(zoho)).rejects.toMatchObject({ kind: 'caller', code: 'CALLER_TOKEN_MISSING' });
  });

  it('reads the org once per token and keys it by that token', async () => {
    const one = await t.admin.token();
    const two = await t.admin.token();
    await t.admin.resetStats();
    for (let i = 0; i < 3; i++) {
      expect(await zoho.forCaller(`Zoho-oauthtoken ${one.access_token}`).getOrgId()).toBe(DEMO_CREDENTIALS.orgId);
    }
    await zoho.forCaller(`Zoho-oauthtoken ${two.access_token}`).getOrgId();
    expect((await t.admin.stats()).requests['GET /crm/v8/org']).toBe(2);
  });

  it('gives each request its caller in pass-through mode, and the client itself otherwise', async () => {
    const { access_token } = await t.admin.token();
    expect((await getOrg(zoho.requesterFor(`Zoho-oauthtoken ${access_token}`))).id).toBe(DEMO_CREDENTIALS.orgId);
    const fixed = createZohoClient({ apiBaseUrl: t.url, accessToken: access_token, ...FAST });
    expect(fixed.requesterFor('Bearer gateway-api-key')).toBe(fixed);
    fixed.close();
  });

  it("passes a caller's 401 back instead of refreshing anything", async () => {
    const e = await getOrg(zoho.forCaller('Zoho-oauthtoken 1000.expired')).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'auth', code: 'INVALID_TOKEN', attempts: 1 });
  });

  it("keeps two callers' data apart", async () => {
    const mine = await t.admin.token();
    const theirs = await t.admin.token({ org: 'second' });
    const me = zoho.forCaller(`Zoho-oauthtoken ${mine.access_token}`);
    const them = zoho.forCaller(`Zoho-oauthtoken ${theirs.access_token}`);
    const [myOrg, theirOrg] = await Promise.all([me.getOrgId(), them.getOrgId()]);
    expect(myOrg).toBe(DEMO_CREDENTIALS.orgId);
    expect(theirOrg).not.toBe(myOrg);
    // My contact's emails are mine; the other org cannot see that contact at all.
    expect((await listEmails(me, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails })).emails.length).toBe(
      10,
    );
    const e = await listEmails(them, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ZohoError);
  });
});
