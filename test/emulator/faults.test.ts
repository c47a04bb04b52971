import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultRegistry, faultBody, parseFaultSpec } from '../../src/emulator/http/faults.ts';
import { ARTICLE, DEMO_CREDENTIALS } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

describe('the fault registry', () => {
  it('fails the next call only when neither count nor rate is given', () => {
    const faults = new FaultRegistry();
    faults.add({});
    expect(faults.draw('GET /crm/v8/Deals')).toMatchObject({ mode: 'status', status: 500, phase: 'before' });
    expect(faults.draw('GET /crm/v8/Deals')).toBeNull();
  });

  it('fails the next N calls of one route and leaves other routes alone', () => {
    const faults = new FaultRegistry();
    faults.add({ route: 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record', count: 2, status: 503 });
    expect(faults.draw('GET /crm/v8/Deals')).toBeNull();
    expect(faults.draw('POST /crm/v8/Contacts/{id}/Emails/actions/link_record')?.status).toBe(503);
    expect(faults.draw('POST /crm/v8/Contacts/{id}/Emails/actions/link_record')?.status).toBe(503);
    expect(faults.draw('POST /crm/v8/Contacts/{id}/Emails/actions/link_record')).toBeNull();
    expect(faults.list()).toHaveLength(0);
  });

  it('fails a share of calls when given a rate', () => {
    let i = 0;
    const draws = [0.1, 0.9, 0.2, 0.7];
    const faults = new FaultRegistry(() => draws[i++ % draws.length]!);
    faults.add({ rate: 0.5, mode: 'reset' });
    const outcomes = draws.map(() => faults.draw('GET /crm/v8/org')?.mode ?? 'ok');
    expect(outcomes).toEqual(['reset', 'ok', 'reset', 'ok']);
  });

  it('names a route by its template, whatever form it is given in', () => {
    const faults = new FaultRegistry();
    faults.add({ route: 'get /crm/v8/Contacts/5843104000005878180/Emails?type=user_emails', count: 1 });
    expect(faults.draw('GET /crm/v8/Contacts/{id}/Emails')).not.toBeNull();
  });

  it('clears every fault', () => {
    const faults = new FaultRegistry();
    faults.add({ rate: 1 });
    faults.clear();
    expect(faults.draw('GET /crm/v8/org')).toBeNull();
  });

  it('refuses a malformed fault with a reason', () => {
    expect(parseFaultSpec({ mode: 'explode' })).toMatchObject({ ok: false });
    expect(parseFaultSpec({ rate: 2 })).toMatchObject({ ok: false });
    expect(parseFaultSpec({ colour: 'red' })).toMatchObject({ ok: false });
    expect(parseFaultSpec({ route: 'POST /oauth/v2/token', mode: 'timeout', phase: 'after', count: 1 })).toMatchObject({
      ok: true,
    });
  });

  it("answers injected failures in Zoho's envelope", () => {
    expect(faultBody(500)).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'Internal Server Error',
      status: 'error',
      details: {},
    });
    expect(faultBody(503)).toMatchObject({ code: 'INTERNAL_ERROR', status: 'error' });
    expect(faultBody(429)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});

describe('injected faults over HTTP', () => {
  let emu: TestEmulator;
  const CONTACT = ARTICLE.contactWithManyEmails;
  const EMAIL = ARTICLE.emailOfFirstContact;
  const LINK = `/crm/v8/Contacts/${CONTACT}/Emails/${EMAIL}/actions/link_record`;
  const LINK_KEY = 'POST /crm/v8/Contacts/{id}/Emails/{message_id}/actions/link_record';
  const TRAVEL_INSURANCE = ARTICLE.dealTravelInsurance;
  const GROUP_TRAVEL = '5843104000004382290';

  const linkBody = (dealId: string) => ({
    Emails: [
      {
        owner: { id: ARTICLE.userPatriciaBoyle },
        linked_record: { id: dealId, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
      },
    ],
  });
  const linkedDeal = async () =>
    (await emu.api('GET', `/crm/v8/Contacts/${CONTACT}/Emails/${EMAIL}`)).body.Emails[0].linked_record?.id ?? null;
  const link = (dealId: string, signal?: AbortSignal) =>
    fetch(emu.url + LINK, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${emu.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(linkBody(dealId)),
      signal,
    });

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.admin('DELETE', '/__emulator/faults');
    expect((await emu.api('POST', LINK, { body: linkBody(GROUP_TRAVEL) })).status).toBe(200);
  });

  it("fails the next call before applying it, in Zoho's 500 envelope, then recovers", async () => {
    expect((await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY })).status).toBe(200);
    const res = await emu.api('POST', LINK, { body: linkBody(TRAVEL_INSURANCE) });
    expect(res.status).toBe(500);
    expectMatchesOas('POST', LINK, 500, res.body);
    expect(res.body).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'Internal Server Error',
      status: 'error',
      details: {},
    });
    expect(await linkedDeal()).toBe(GROUP_TRAVEL);
    expect((await emu.api('POST', LINK, { body: linkBody(TRAVEL_INSURANCE) })).status).toBe(200);
    expect(await linkedDeal()).toBe(TRAVEL_INSURANCE);
  });

  it('applies the write and then fails the answer in phase "after": an unknown result', async () => {
    await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY, phase: 'after', status: 503 });
    const res = await emu.api('POST', LINK, { body: linkBody(TRAVEL_INSURANCE) });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'INTERNAL_ERROR', status: 'error' });
    expect(await linkedDeal()).toBe(TRAVEL_INSURANCE);
  });

  it('holds the connection until the client gives up, applying nothing in phase "before"', async () => {
    await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY, mode: 'timeout' });
    await expect(link(TRAVEL_INSURANCE, AbortSignal.timeout(200))).rejects.toThrow();
    expect(await linkedDeal()).toBe(GROUP_TRAVEL);
    expect((await emu.admin('GET', '/__emulator/stats')).body.inFlight).toBe(0);
  });

  it('applies the write and then holds the answer in phase "after"', async () => {
    await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY, mode: 'timeout', phase: 'after' });
    await expect(link(TRAVEL_INSURANCE, AbortSignal.timeout(200))).rejects.toThrow();
    expect(await linkedDeal()).toBe(TRAVEL_INSURANCE);
  });

  it('resets the connection, before or after applying the write', async () => {
    await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY, mode: 'reset' });
    await expect(link(TRAVEL_INSURANCE)).rejects.toThrow();
    expect(await linkedDeal()).toBe(GROUP_TRAVEL);
    await emu.admin('POST', '/__emulator/faults', { route: LINK_KEY, mode: 'reset', phase: 'after' });
    await expect(link(TRAVEL_INSURANCE)).rejects.toThrow();
    expect(await linkedDeal()).toBe(TRAVEL_INSURANCE);
  });

  it('fails the token endpoint too, in Zoho Accounts’ dialect', async () => {
    await emu.admin('POST', '/__emulator/faults', { route: 'POST /oauth/v2/token', status: 500, count: 2 });
    const grant = () =>
      fetch(`${emu.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: DEMO_CREDENTIALS.clientId,
          client_secret: DEMO_CREDENTIALS.clientSecret,
          refresh_token: DEMO_CREDENTIALS.refreshToken,
        }),
      });
    expect((await grant()).status).toBe(500);
    expect(await (await grant()).json()).toMatchObject({ error: 'internal_error' });
    expect(await (await grant()).json()).toHaveProperty('access_token');
  });

  it('fails a share of calls on every route, until cleared, and counts what it rejected', async () => {
    await emu.admin('POST', '/__emulator/stats/reset');
    await emu.admin('POST', '/__emulator/faults', { rate: 1, status: 429 });
    const a = await emu.api('GET', '/crm/v8/org');
    const b = await emu.api('GET', `/crm/v8/Contacts/${CONTACT}`);
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(a.body).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect((await emu.admin('DELETE', '/__emulator/faults')).body).toEqual({ cleared: 1 });
    expect((await emu.api('GET', '/crm/v8/org')).status).toBe(200);
    const stats = (await emu.admin('GET', '/__emulator/stats')).body;
    expect(stats.rejected).toEqual({ '429': 2 });
    expect(stats.requests).toEqual({ 'GET /crm/v8/org': 2, 'GET /crm/v8/Contacts/{id}': 1 });
  });

  it('refuses a malformed fault', async () => {
    const res = await emu.admin('POST', '/__emulator/faults', { mode: 'explode' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/invalid fault/);
  });
});
