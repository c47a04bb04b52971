/** Bad input gets Zoho's error envelope, never a crash or a stack trace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const LINK = `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails/actions/link_record`;

function expectEnvelope(res: { body: any; text: string }, code: string) {
  expect(res.body).toMatchObject({ code, status: 'error', message: expect.any(String), details: expect.any(Object) });
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|Error:/);
}

describe('bad input', () => {
  it('answers malformed JSON with 400 INVALID_DATA', async () => {
    const res = await emu.api('POST', LINK, { body: '{"Emails":[{', contentType: 'application/json' });
    expect(res.status).toBe(400);
    expectEnvelope(res, 'INVALID_DATA');
    expectMatchesOas('POST', LINK, res.status, res.body);
  });

  it('answers a wrong content type with 415', async () => {
    const res = await emu.api('POST', LINK, { body: '<Emails/>', contentType: 'application/xml' });
    expect(res.status).toBe(415);
    expectEnvelope(res, 'INVALID_DATA');
  });

  it("reads JSON sent as curl -d sends it (url-encoded type), as in Zoho's own curl examples", async () => {
    const res = await emu.api('POST', LINK, {
      body: JSON.stringify({ Emails: [] }),
      contentType: 'application/x-www-form-urlencoded',
    });
    // Parsed as JSON: an empty Emails array is the spec's top-level MANDATORY_NOT_FOUND, not a 415.
    expect(res.status).toBe(400);
    expectEnvelope(res, 'MANDATORY_NOT_FOUND');
  });

  it('answers an oversized body with 413', async () => {
    const res = await emu.api('POST', LINK, {
      body: JSON.stringify({ Emails: [{ message_id: 'a'.repeat(2 * 1024 * 1024) }] }),
      contentType: 'application/json',
    });
    expect(res.status).toBe(413);
    expectEnvelope(res, 'LIMIT_EXCEEDED');
  });

  it('answers ids with letters with 404 INVALID_URL_PATTERN', async () => {
    for (const path of ['/crm/v8/Contacts/58431abc', '/crm/v8/Contacts/58431abc/Emails', '/crm/v8/users/abc']) {
      const res = await emu.api('GET', path);
      expect(res.status).toBe(404);
      expectEnvelope(res, 'INVALID_URL_PATTERN');
    }
  });

  it('answers unknown routes with 404 INVALID_URL_PATTERN', async () => {
    for (const [method, path] of [
      ['GET', '/crm/v8/Contacts/1/Emails/x/y/z'],
      ['GET', '/crm/v2'],
      ['GET', '/nothing'],
      ['GET', '/crm/v8/settings/tags'],
      ['GET', '/crm/v8/settings'],
    ]) {
      const res = await emu.api(method!, path!);
      expect(res.status, `${method} ${path}`).toBe(404);
      expectEnvelope(res, 'INVALID_URL_PATTERN');
    }
  });

  it('answers a method a served path does not take with 400 INVALID_REQUEST_METHOD, as Zoho does', async () => {
    for (const [method, path] of [
      ['PATCH', '/crm/v8/Contacts/1'],
      ['PUT', `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`],
      ['GET', LINK],
      ['DELETE', '/crm/v8/org'],
      ['POST', '/crm/v8/settings/fields?module=Deals'],
      ['GET', `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/actions/associate_email`],
    ]) {
      const res = await emu.api(method!, path!);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body).toEqual({
        code: 'INVALID_REQUEST_METHOD',
        details: {},
        message: 'The http request method type is not a valid one',
        status: 'error',
      });
    }
    // Counted under the path's route, like any other rejected call.
    const stats = (await emu.admin('GET', '/__emulator/stats')).body;
    expect(stats.requests['DELETE /crm/v8/org']).toBeGreaterThanOrEqual(1);
  });

  it('never takes "settings" for a record module', async () => {
    const res = await emu.api('GET', '/crm/v8/settings/related_lists?module=Contacts');
    expect(res.status).toBe(200);
    expect(res.body.related_lists.map((l: { api_name: string }) => l.api_name)).toContain('Deals');
    const unknown = await emu.api('GET', '/crm/v8/settings/whatever/123');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('INVALID_URL_PATTERN');
  });

  it('reads a JSON body sent with no Content-Type, as Zoho does (its Node SDK sends them)', async () => {
    const res = await fetch(emu.url + LINK, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${emu.token}` },
      body: new TextEncoder().encode(JSON.stringify({ Emails: [] })),
    });
    expect(res.headers.get('content-type') ?? '').toMatch(/json/);
    // Parsed as JSON: an empty Emails array is the spec's top-level MANDATORY_NOT_FOUND, not a 415.
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'MANDATORY_NOT_FOUND' });
    const text = await fetch(emu.url + LINK, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${emu.token}`, 'content-type': 'text/plain' },
      body: '{"Emails":[]}',
    });
    expect(text.status).toBe(415);
  });

  it('keeps serving after all of that', async () => {
    const res = await emu.api('GET', '/crm/v8/org');
    expect(res.status).toBe(200);
  });
});
