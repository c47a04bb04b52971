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
