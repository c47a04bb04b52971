/** Get Emails of a Record and Get an Email: paging, the type filter, deals, errors; OAS-validated. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

async function get(path: string) {
  const res = await emu.api('GET', path);
  expectMatchesOas('GET', path, res.status, res.body);
  return res;
}

async function pages(base: string) {
  const out: any[] = [];
  let index: string | undefined;
  for (;;) {
    const res = await get(index === undefined ? base : `${base}${base.includes('?') ? '&' : '?'}index=${index}`);
    if (res.status === 204) return out;
    out.push(res.body);
    if (!res.body.info.more_records) return out;
    index = res.body.info.next_index;
  }
}

describe('emails of a contact', () => {
  it('pages 10 at a time with the index cursor, newest first, until more_records is false', async () => {
    const all = await pages(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`);
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all[0].info).toMatchObject({ per_page: 10, count: 10, prev_index: '0', more_records: true });
    expect(all.at(-1).info.more_records).toBe(false);
    expect(all.at(-1).info.next_index).toBeNull();
    const emails = all.flatMap((p) => p.Emails);
    expect(emails.length).toBeGreaterThanOrEqual(60);
    expect(new Set(emails.map((e) => e.message_id)).size).toBe(emails.length);
    const times = emails.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(emails.map((e) => e.message_id)).toContain(ARTICLE.emailOfFirstContact);
  });

  it("uses Zoho's key names: time, sentiment_info, owner, linked_record", async () => {
    const res = await get(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`);
    const email = res.body.Emails[0];
    for (const key of [
      'time',
      'sentiment_info',
      'owner',
      'linked_record',
      'summary',
      'intent',
      'emotion',
      'from',
      'to',
      'status',
    ])
      expect(email).toHaveProperty(key);
    expect(email).not.toHaveProperty('sentiment');
    expect(email).not.toHaveProperty('content');
  });

  it('filters by type', async () => {
    const crm = (await pages(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails?type=sent_from_crm`)).flatMap(
      (p) => p.Emails,
    );
    expect(crm.length).toBeGreaterThan(0);
    expect(crm.every((e) => e.sent === true)).toBe(true);
    const mine = (
      await pages(
        `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails?type=user_emails&owner_id=${ARTICLE.userPatriciaBoyle}`,
      )
    ).flatMap((p) => p.Emails);
    expect(mine.every((e) => e.owner.id === ARTICLE.userPatriciaBoyle)).toBe(true);
    const bad = await get(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails?type=everything`);
    expect(bad.body).toEqual({
      code: 'INVALID_DATA',
      details: { param_name: 'type' },
      message: 'invalid data',
      status: 'error',
    });
  });

  it('answers 204 for a contact with no email', async () => {
    const contacts = await get('/crm/v8/Contacts?fields=Full_Name&per_page=200');
    for (const c of contacts.body.data) {
      const res = await get(`/crm/v8/Contacts/${c.id}/Emails`);
      if (res.status === 204) {
        expect(res.text).toBe('');
        return;
      }
    }
    throw new Error('the demo org has no contact without email');
  });

  it('answers 400 INVALID_DATA for an unknown record, and for a forged cursor', async () => {
    const unknown = await get('/crm/v8/Contacts/5843104000000000001/Emails');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      code: 'INVALID_DATA',
      details: { resource_path_index: 1 },
      message: 'the related id given seems to be invalid',
      status: 'error',
    });
    const cursor = await get(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails?index=not-a-cursor`);
    expect(cursor.body.details).toEqual({ param_name: 'index' });
  });
});

describe('emails of a deal', () => {
  it('lists the emails linked to the deal', async () => {
    const emails = (await pages(`/crm/v8/Deals/${ARTICLE.dealTravelInsurance}/Emails`)).flatMap((p) => p.Emails);
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.every((e) => e.linked_record?.id === ARTICLE.dealTravelInsurance)).toBe(true);
  });
});

describe('one email', () => {
  it('shows content and sent_time, wrapped in {"Emails":[…]}, with owner_id, user_id or neither', async () => {
    const base = `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails/${ARTICLE.emailOfFirstContact}`;
    for (const q of ['', `?owner_id=${ARTICLE.userPatriciaBoyle}`, `?user_id=${ARTICLE.userPatriciaBoyle}`]) {
      const res = await get(base + q);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['Emails']);
      expect(res.body.Emails).toHaveLength(1);
      expect(res.body.Emails[0]).toMatchObject({
        message_id: ARTICLE.emailOfFirstContact,
        content: expect.stringContaining('<div>'),
        sent_time: expect.any(String),
      });
      expect(res.body.Emails[0]).not.toHaveProperty('time');
    }
  });

  it('answers 204 for an email that is not under the record', async () => {
    const res = await get(`/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Emails/${ARTICLE.emailOfFirstContact}`);
    expect(res.status).toBe(204);
  });
});
