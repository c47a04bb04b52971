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

async function pages(base: string, from?: string) {
  const out: any[] = [];
  let index: string | undefined = from;
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

describe('the index cursor', () => {
  const C = ARTICLE.contactWithManyEmails;
  const list = (index?: string) => get(`/crm/v8/Contacts/${C}/Emails${index ? `?index=${index}` : ''}`);
  const ids = (res: { body: any }) => res.body.Emails.map((e: { message_id: string }) => e.message_id) as string[];
  const deliver = async (subject: string) => {
    const res = await emu.admin('POST', '/__emulator/inbound', { contactId: C, subject });
    expect(res.status).toBe(200);
    return res.body.message_id as string;
  };

  it('is an opaque hex string, not an offset', async () => {
    const page1 = await list();
    const next = page1.body.info.next_index as string;
    expect(next).toMatch(/^[0-9a-f]{96,}$/);
    expect(Buffer.from(next, 'hex').toString('latin1')).not.toContain(ids(page1).at(-1)!);
  });

  it('is stable when mail arrives between two page reads: no repeat and no skip', async () => {
    const before = (await pages(`/crm/v8/Contacts/${C}/Emails`)).flatMap((p) => p.Emails.map((e: any) => e.message_id));
    const page1 = await list();
    const arrived = [await deliver('New mail one'), await deliver('New mail two'), await deliver('New mail three')];
    const page2 = await list(page1.body.info.next_index);
    // Page 2 is exactly what followed page 1 before the mail arrived.
    expect(ids(page2)).toEqual(before.slice(10, 20));
    expect(ids(page2).filter((id) => ids(page1).includes(id))).toEqual([]);
    // The new mail is at the top of a fresh first page, newest first.
    expect(ids(await list()).slice(0, 3)).toEqual([...arrived].reverse());
    // Reading on to the end, every email shows once.
    const rest = await pages(`/crm/v8/Contacts/${C}/Emails`, page2.body.info.next_index);
    const seen = [...ids(page1), ...ids(page2), ...rest.flatMap((p) => p.Emails.map((e: any) => e.message_id))];
    expect(seen).toEqual(before);
  });

  it("gives the previous page's index in prev_index, and 0 when the previous page is the first", async () => {
    const p1 = await list();
    const p2 = await list(p1.body.info.next_index);
    const p3 = await list(p2.body.info.next_index);
    expect(p2.body.info.prev_index).toBe('0');
    expect(ids(await list(p3.body.info.prev_index))).toEqual(ids(p2));
  });

  it("belongs to the list it came from: another record's list refuses it, as does an altered one", async () => {
    const next = (await list()).body.info.next_index as string;
    const other = await get(`/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Emails?index=${next}`);
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 'INVALID_DATA', details: { param_name: 'index' } });
    const flipped = next.slice(0, -1) + (next.endsWith('0') ? '1' : '0');
    expect((await list(flipped)).body).toMatchObject({ code: 'INVALID_DATA', details: { param_name: 'index' } });
  });
});
