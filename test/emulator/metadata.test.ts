/**
 * Metadata: the modules list (the Deals module id that link bodies must carry), the Deals fields
 * (Stage picklist values with forecast_type: what decides open or closed) and the current user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, CONTACTS_MODULE_ID, STAGES } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;

async function get(path: string) {
  const res = await emu.api('GET', path);
  expectMatchesOas('GET', path, res.status, res.body);
  return res;
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe('metadata', () => {
  it('lists the modules with their ids', async () => {
    const res = await get('/crm/v8/settings/modules');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.modules.map((m: { api_name: string; id: string }) => [m.api_name, m.id]),
    );
    expect(byName).toMatchObject({ Deals: ARTICLE.dealsModuleId, Contacts: CONTACTS_MODULE_ID });
  });

  it("gives the Deals Stage picklist with each value's forecast_type, two of them Closed Lost", async () => {
    const res = await get('/crm/v8/settings/fields?module=Deals');
    const stage = res.body.fields.find((f: { api_name: string }) => f.api_name === 'Stage');
    expect(stage.data_type).toBe('picklist');
    const values = stage.pick_list_values.map((v: { actual_value: string; forecast_type: string }) => [
      v.actual_value,
      v.forecast_type,
    ]);
    expect(values).toEqual(STAGES.map((s) => [s.name, s.forecast_type]));
    expect(values.filter(([, t]: [string, string]) => t === 'Closed Lost')).toHaveLength(2);
    expect(stage.pick_list_values[0]).toMatchObject({ forecast_category: { name: 'Pipeline' }, type: 'used' });
  });

  it('answers a missing or unknown module in Zoho’s envelope', async () => {
    expect((await get('/crm/v8/settings/fields')).body).toMatchObject({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'module' },
    });
    expect((await get('/crm/v8/settings/fields?module=Potentials')).body).toMatchObject({ code: 'INVALID_MODULE' });
  });

  it('names the current user, and lists the org’s users', async () => {
    const me = await get('/crm/v8/users?type=CurrentUser');
    expect(me.body.users).toHaveLength(1);
    expect(me.body.users[0]).toMatchObject({
      id: ARTICLE.userPatriciaBoyle,
      full_name: 'Patricia Boyle',
      email: 'patricia.boyle@zylkertravel.com',
    });
    expect(me.body.info).toEqual({ per_page: 200, count: 1, page: 1, more_records: false });
    expect((await get('/crm/v8/users?type=AllUsers')).body.users).toHaveLength(2);
    expect((await get('/crm/v8/users?type=AdminUsers')).body.users.map((u: { id: string }) => u.id)).toEqual([
      ARTICLE.userPatriciaBoyle,
    ]);
    expect((await get('/crm/v8/users?type=Someone')).status).toBe(400);
  });
});

describe('the settings Zoho’s SDK reads before records', () => {
  const DEALS_LAYOUT = String(BigInt(ARTICLE.dealsModuleId) + 88_000n);

  it('lists the related lists of Contacts, Deals among them with its module, and of Deals', async () => {
    const res = await get('/crm/v8/settings/related_lists?module=Contacts');
    expect(res.status).toBe(200);
    const deals = res.body.related_lists.find((l: { api_name: string }) => l.api_name === 'Deals');
    expect(deals).toMatchObject({
      module: { api_name: 'Deals', id: ARTICLE.dealsModuleId },
      href: 'Contacts/{ENTITYID}/Deals',
      status: 'visible',
    });
    const emails = res.body.related_lists.find((l: { api_name: string }) => l.api_name === 'Emails');
    expect(emails.module).toEqual({ api_name: null, id: null });
    const ofDeals = await get('/crm/v8/settings/related_lists?module=Deals');
    expect(ofDeals.body.related_lists.map((l: { api_name: string }) => l.api_name)).toEqual(['Emails']);
    expect((await get('/crm/v8/settings/related_lists')).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING' });
    expect((await get('/crm/v8/settings/related_lists?module=Leads')).body).toMatchObject({ code: 'INVALID_MODULE' });
  });

  it('gives one module by API name or by id, and INVALID_MODULE for an unknown name', async () => {
    const byName = await get('/crm/v8/settings/modules/Deals');
    expect(byName.status).toBe(200);
    expect(byName.body.modules).toHaveLength(1);
    expect(byName.body.modules[0]).toMatchObject({ api_name: 'Deals', id: ARTICLE.dealsModuleId });
    const byId = await get(`/crm/v8/settings/modules/${CONTACTS_MODULE_ID}`);
    expect(byId.body.modules[0].api_name).toBe('Contacts');
    expect((await get('/crm/v8/settings/modules/Potentials')).body).toMatchObject({ code: 'INVALID_MODULE' });
    expect((await get('/crm/v8/settings/modules/123')).status).toBe(204);
  });

  it('gives the layout of a module with its fields, one by id, and 204 for an id that is not the module’s', async () => {
    const res = await get('/crm/v8/settings/layouts?module=Deals');
    expect(res.status).toBe(200);
    expect(res.body.layouts).toHaveLength(1);
    const layout = res.body.layouts[0];
    expect(layout).toMatchObject({ id: DEALS_LAYOUT, name: 'Standard', status: 'active' });
    const fieldNames = layout.sections.flatMap((s: { fields: Array<{ api_name: string }> }) =>
      s.fields.map((f) => f.api_name),
    );
    expect(fieldNames).toEqual(expect.arrayContaining(['Deal_Name', 'Stage', 'Contact_Name']));
    const one = await get(`/crm/v8/settings/layouts/${DEALS_LAYOUT}?module=Deals`);
    expect(one.body.layouts[0].id).toBe(DEALS_LAYOUT);
    expect((await get(`/crm/v8/settings/layouts/${DEALS_LAYOUT}?module=Contacts`)).status).toBe(204);
    expect((await get('/crm/v8/settings/layouts')).body).toMatchObject({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'module' },
    });
  });

  it('gives the pipeline of the Deals layout, its stages with forecast_type, and nothing for Contacts', async () => {
    const res = await get(`/crm/v8/settings/pipeline?layout_id=${DEALS_LAYOUT}`);
    expect(res.status).toBe(200);
    const [pipeline] = res.body.pipeline;
    expect(pipeline).toMatchObject({ display_value: 'Standard', default: true });
    expect(
      pipeline.maps.map((m: { actual_value: string; forecast_type: string }) => [m.actual_value, m.forecast_type]),
    ).toEqual(STAGES.map((s) => [s.name, s.forecast_type]));
    const contactsLayout = String(BigInt(CONTACTS_MODULE_ID) + 88_000n);
    expect((await get(`/crm/v8/settings/pipeline?layout_id=${contactsLayout}`)).status).toBe(204);
    expect((await get('/crm/v8/settings/pipeline')).body).toMatchObject({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'layout_id' },
    });
    expect((await get('/crm/v8/settings/pipeline?layout_id=1')).body).toMatchObject({
      code: 'INVALID_DATA',
      details: { param_name: 'layout_id' },
    });
  });
});
