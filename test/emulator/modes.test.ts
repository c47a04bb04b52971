/**
 * The switchable behaviours of link and unlink: batchMode (partial / atomic) and relinkMode
 * (replace / reject), set through PUT /__emulator/config.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

const CONTACT = ARTICLE.contactOfMultiLink;
const [FIRST, SECOND] = ARTICLE.emailsOfSecondContact;
const TRAVEL_INSURANCE = ARTICLE.dealTravelInsurance;
const CONFERENCE = '5843104000004102233'; // the contact's Closed Won deal
const PATRICIA = ARTICLE.userPatriciaBoyle;
const BULK = `/crm/v8/Contacts/${CONTACT}/Emails/actions/link_record`;

let emu: TestEmulator;

const item = (messageId: string, dealId: string) => ({
  message_id: messageId,
  owner: { id: PATRICIA, name: 'Patricia Boyle' },
  linked_record: { id: dealId, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
});

async function call(method: string, path: string, body?: unknown) {
  const res = await emu.api(method, path, body === undefined ? {} : { body });
  expectMatchesOas(method, path, res.status, res.body);
  return res;
}

async function linkedDeal(messageId: string): Promise<string | null> {
  const res = await emu.api('GET', `/crm/v8/Contacts/${CONTACT}/Emails/${messageId}`);
  return res.body.Emails[0].linked_record?.id ?? null;
}

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.admin('PUT', '/__emulator/config', { batchMode: 'partial', relinkMode: 'replace' });
  await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${FIRST},${SECOND}`);
});

describe('batchMode', () => {
  it('partial: applies the good items and answers 207', async () => {
    const res = await call('POST', BULK, {
      Emails: [item(FIRST, TRAVEL_INSURANCE), item('deadbeef', TRAVEL_INSURANCE)],
    });
    expect(res.status).toBe(207);
    expect(res.body.Emails[0]).toMatchObject({ code: 'SUCCESS' });
    expect(res.body.Emails[1][0]).toMatchObject({
      code: 'INVALID_DATA',
      details: { api_name: 'message_id', json_path: 'Emails[1].message_id' },
    });
    expect(await linkedDeal(FIRST)).toBe(TRAVEL_INSURANCE);
  });

  it('atomic: refuses the whole batch with a 400 listing only the bad items, and applies nothing', async () => {
    await emu.admin('PUT', '/__emulator/config', { batchMode: 'atomic' });
    const res = await call('POST', BULK, {
      Emails: [item(FIRST, TRAVEL_INSURANCE), item('deadbeef', TRAVEL_INSURANCE), item(SECOND, TRAVEL_INSURANCE)],
    });
    expect(res.status).toBe(400);
    expect(res.body.Emails).toHaveLength(1);
    expect(res.body.Emails[0][0]).toMatchObject({
      code: 'INVALID_DATA',
      details: { json_path: 'Emails[1].message_id' },
    });
    expect(await linkedDeal(FIRST)).toBeNull();
    expect(await linkedDeal(SECOND)).toBeNull();

    const good = await call('POST', BULK, { Emails: [item(FIRST, TRAVEL_INSURANCE), item(SECOND, TRAVEL_INSURANCE)] });
    expect(good.status).toBe(200);
    expect(await linkedDeal(SECOND)).toBe(TRAVEL_INSURANCE);
  });

  it('atomic: holds for unlink too', async () => {
    await call('POST', BULK, { Emails: [item(FIRST, TRAVEL_INSURANCE)] });
    await emu.admin('PUT', '/__emulator/config', { batchMode: 'atomic' });
    const res = await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${FIRST},deadbeef`);
    expect(res.status).toBe(400);
    expect(res.body.Emails).toHaveLength(1);
    expect(await linkedDeal(FIRST)).toBe(TRAVEL_INSURANCE);
  });
});

describe('relinkMode', () => {
  it('replace: linking an email linked elsewhere moves the link', async () => {
    await call('POST', BULK, { Emails: [item(FIRST, TRAVEL_INSURANCE)] });
    const res = await call('POST', BULK, { Emails: [item(FIRST, CONFERENCE)] });
    expect(res.status).toBe(200);
    expect(await linkedDeal(FIRST)).toBe(CONFERENCE);
  });

  it('reject: linking an email linked to another deal fails for that item with ALREADY_USED', async () => {
    await call('POST', BULK, { Emails: [item(FIRST, TRAVEL_INSURANCE)] });
    await emu.admin('PUT', '/__emulator/config', { relinkMode: 'reject' });
    const res = await call('POST', BULK, { Emails: [item(FIRST, CONFERENCE), item(SECOND, CONFERENCE)] });
    expect(res.status).toBe(207);
    expect(res.body.Emails[0]).toEqual([
      {
        status: 'error',
        code: 'ALREADY_USED',
        message: 'the email is already linked with another deal',
        details: { api_name: 'message_id', json_path: 'Emails[0].message_id' },
      },
    ]);
    expect(res.body.Emails[1]).toMatchObject({ code: 'SUCCESS' });
    expect(await linkedDeal(FIRST)).toBe(TRAVEL_INSURANCE);
    expect(await linkedDeal(SECOND)).toBe(CONFERENCE);
  });

  it('reject: relinking to the same deal stays a success, so retries are safe', async () => {
    await emu.admin('PUT', '/__emulator/config', { relinkMode: 'reject' });
    const single = `/crm/v8/Contacts/${CONTACT}/Emails/${FIRST}/actions/link_record`;
    const body = {
      Emails: [
        { owner: item(FIRST, TRAVEL_INSURANCE).owner, linked_record: item(FIRST, TRAVEL_INSURANCE).linked_record },
      ],
    };
    expect((await call('POST', single, body)).status).toBe(200);
    expect((await call('POST', single, body)).status).toBe(200);
    const moved = await call('POST', single, {
      Emails: [{ ...body.Emails[0], linked_record: item(FIRST, CONFERENCE).linked_record }],
    });
    expect(moved.status).toBe(400);
    expect(moved.body.Emails[0][0]).toMatchObject({
      code: 'ALREADY_USED',
      details: { api_name: 'message_id', json_path: 'message_id' },
    });
  });
});
