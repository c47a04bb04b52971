/** Records, the Contacts→Deals related list, users and the org, validated against Zoho's OAS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
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

describe('records', () => {
  it('reads one contact and one deal, with all fields or the ones asked for', async () => {
    const contact = await get(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}`);
    expect(contact.status).toBe(200);
    expect(contact.body.data[0]).toMatchObject({
      id: ARTICLE.contactWithManyEmails,
      Full_Name: expect.any(String),
      Email: expect.any(String),
    });
    const deal = await get(`/crm/v8/Deals/${ARTICLE.dealTravelInsurance}?fields=Deal_Name,Stage`);
    expect(deal.body).toEqual({
      data: [{ id: ARTICLE.dealTravelInsurance, Deal_Name: 'Travel Insurance', Stage: 'Negotiation/Review' }],
    });
  });

  it('answers 204 with an empty body for an id that names no record', async () => {
    const res = await get('/crm/v8/Deals/5843104000000000009');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('lists with ids, fields, page and per_page', async () => {
    const ids = [ARTICLE.contactWithManyEmails, ARTICLE.contactOfMultiLink];
    const byIds = await get(`/crm/v8/Contacts?fields=Full_Name,Email&ids=${ids.join(',')}`);
    expect(byIds.body.data.map((r: any) => r.id).sort()).toEqual([...ids].sort());
    expect(Object.keys(byIds.body.data[0]).sort()).toEqual(['Email', 'Full_Name', 'id']);

    const page1 = await get('/crm/v8/Contacts?fields=Full_Name&per_page=100&page=1');
    const page3 = await get('/crm/v8/Contacts?fields=Full_Name&per_page=100&page=3');
    const page4 = await get('/crm/v8/Contacts?fields=Full_Name&per_page=100&page=4');
    expect(page1.body.info).toMatchObject({ page: 1, per_page: 100, count: 100, more_records: true });
    expect(page3.body.info).toMatchObject({ page: 3, count: 100, more_records: false });
    expect(page4.status).toBe(204);
    const seen = new Set([...page1.body.data, ...page3.body.data].map((r: any) => r.id));
    expect(seen.size).toBe(200);
  });

  it('sorts by sort_by and sort_order, as Get Records documents, id descending by default', async () => {
    const list = async (query: string) =>
      (await get(`/crm/v8/Deals?fields=Modified_Time,Created_Time&per_page=200${query}`)).body;
    const byDefault = await list('');
    expect(byDefault.info).toMatchObject({ sort_by: 'id', sort_order: 'desc' });
    const ids = byDefault.data.map((d: { id: string }) => BigInt(d.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);

    const oldestFirst = await list('&sort_by=Modified_Time&sort_order=asc');
    expect(oldestFirst.info).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'asc' });
    const times = oldestFirst.data.map((d: { Modified_Time: string }) => Date.parse(d.Modified_Time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Pages follow the sort: page 2 goes on where page 1 stopped.
    const p2 = await get('/crm/v8/Deals?fields=Created_Time&per_page=200&page=2&sort_by=Created_Time');
    const created = (await list('&sort_by=Created_Time')).data.map((d: { Created_Time: string }) =>
      Date.parse(d.Created_Time),
    );
    expect(Date.parse(p2.body.data[0].Created_Time)).toBeLessThanOrEqual(created.at(-1)!);

    const related = await get(
      `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Deals?fields=Modified_Time&sort_by=Modified_Time&sort_order=desc`,
    );
    const relatedTimes = related.body.data.map((d: { Modified_Time: string }) => Date.parse(d.Modified_Time));
    expect([...relatedTimes].sort((a, b) => b - a)).toEqual(relatedTimes);
    expect(related.body.info).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'desc' });

    expect((await get('/crm/v8/Deals?fields=Stage&sort_by=Stage')).body).toMatchObject({
      code: 'INVALID_DATA',
      details: { param_name: 'sort_by' },
    });
    expect((await get('/crm/v8/Deals?fields=Stage&sort_order=up')).body).toMatchObject({
      code: 'INVALID_DATA',
      details: { param_name: 'sort_order' },
    });
  });

  it('answers 204 when no listed id matches', async () => {
    const res = await get('/crm/v8/Deals?fields=Deal_Name&ids=5843104000000000009');
    expect(res.status).toBe(204);
  });

  it("requires fields on lists, with Zoho's exact bodies", async () => {
    const missing = await get('/crm/v8/Deals');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'fields' },
      message: 'required param is missing',
      status: 'error',
    });
    const fields51 = Array.from({ length: 51 }, (_, i) => `Field_${i}`).join(',');
    const tooMany = await get(`/crm/v8/Deals?fields=${fields51}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 50, param_name: 'fields' },
      message: 'limit exceeded',
      status: 'error',
    });
  });

  it('takes at most 100 ids, and only numeric ones', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(5843104000001000000n + BigInt(i))).join(',');
    const res = await get(`/crm/v8/Contacts?fields=Full_Name&ids=${ids}`);
    expect(res.body).toEqual({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 100, param_name: 'ids' },
      message: 'limit exceeded',
      status: 'error',
    });
    const letters = await get('/crm/v8/Contacts?fields=Full_Name&ids=12a');
    expect(letters.body).toEqual({
      code: 'INVALID_DATA',
      details: { param_name: 'ids' },
      message: 'invalid data',
      status: 'error',
    });
  });

  it('refuses per_page over 200 and pages past 2000 records', async () => {
    expect((await get('/crm/v8/Deals?fields=Deal_Name&per_page=201')).body.details).toEqual({
      limit: 200,
      param_name: 'per_page',
    });
    expect((await get('/crm/v8/Deals?fields=Deal_Name&page=11')).body.code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
    expect((await get('/crm/v8/Deals?fields=Deal_Name&page=x')).body.details).toEqual({ param_name: 'page' });
  });

  it('answers an unknown module with INVALID_MODULE', async () => {
    const res = await get('/crm/v8/Widgets?fields=Name');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'INVALID_MODULE',
      details: { resource_path_index: 0 },
      message: 'the module name given seems to be invalid',
      status: 'error',
    });
  });
});

describe('deals of a contact', () => {
  it('lists deals where the contact is Contact_Name or holds a contact role', async () => {
    const primary = await get(
      `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Deals?fields=Deal_Name,Stage,Contact_Name`,
    );
    expect(primary.status).toBe(200);
    expect(primary.body.data.map((d: any) => d.id)).toContain(ARTICLE.dealTravelInsurance);
    const role = await get(`/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Deals?fields=Deal_Name,Contact_Name`);
    const travel = role.body.data.find((d: any) => d.id === ARTICLE.dealTravelInsurance);
    expect(travel.Contact_Name.id).toBe(ARTICLE.contactWithManyEmails);
  });

  it('requires fields, with the related-records wording', async () => {
    const res = await get(`/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Deals`);
    expect(res.body).toEqual({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'fields' },
      message: 'One of the expected parameter is missing',
      status: 'error',
    });
  });

  it('answers 204 for a contact with no deal, and INVALID_DATA for an unknown contact', async () => {
    const all = await get('/crm/v8/Contacts?fields=Full_Name&per_page=200');
    let empty: number | undefined;
    for (const c of all.body.data) {
      const res = await emu.api('GET', `/crm/v8/Contacts/${c.id}/Deals?fields=Deal_Name`);
      if (res.status === 204) {
        empty = res.status;
        expect(res.text).toBe('');
        break;
      }
    }
    expect(empty).toBe(204);
    const unknown = await get('/crm/v8/Contacts/5843104000000000001/Deals?fields=Deal_Name');
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_DATA');
  });
});

describe('users and org', () => {
  it('reads a user, enough to name an owner', async () => {
    const res = await get(`/crm/v8/users/${ARTICLE.userPatriciaBoyle}`);
    expect(res.body.users[0]).toMatchObject({ id: ARTICLE.userPatriciaBoyle, full_name: 'Patricia Boyle' });
    expect((await get('/crm/v8/users/5843104000000000002')).status).toBe(204);
  });

  it('reads the org, which carries its id', async () => {
    const res = await get('/crm/v8/org');
    expect(res.body.org[0].id).toBe(DEMO_CREDENTIALS.orgId);
  });
});
