/**
 * Link Deal to Emails and Unlink Deal from Emails: batches, per-item errors, relinking, retries,
 * and every error body, each validated against Zoho's OAS.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

const CONTACT = ARTICLE.contactWithManyEmails;
const TRAVEL_INSURANCE = ARTICLE.dealTravelInsurance;
const GROUP_TRAVEL = '5843104000004382290'; // the contact's second open deal
const OTHER_CONTACTS_DEAL = '5843104000004102233'; // a deal of contact 5843104000000425349 only
const PATRICIA = ARTICLE.userPatriciaBoyle;
const BULK = `/crm/v8/Contacts/${CONTACT}/Emails/actions/link_record`;

let emu: TestEmulator;
let emails: Array<{ message_id: string; owner: { id: string; name: string } }>;

async function call(method: string, path: string, body?: unknown) {
  const res = await emu.api(method, path, body === undefined ? {} : { body });
  expectMatchesOas(method, path, res.status, res.body);
  return res;
}

async function allEmails(contactId: string) {
  const out: any[] = [];
  let index: string | undefined;
  for (;;) {
    const res = await emu.api('GET', `/crm/v8/Contacts/${contactId}/Emails${index ? `?index=${index}` : ''}`);
    if (res.status === 204) return out;
    out.push(...res.body.Emails);
    if (!res.body.info.more_records) return out;
    index = res.body.info.next_index;
  }
}

async function linkedDealOf(messageId: string): Promise<string | null> {
  const res = await emu.api('GET', `/crm/v8/Contacts/${CONTACT}/Emails/${messageId}`);
  return res.body.Emails[0].linked_record?.id ?? null;
}

function item(messageId: string, dealId: string = TRAVEL_INSURANCE, ownerId: string = PATRICIA) {
  return {
    message_id: messageId,
    owner: { id: ownerId, name: 'Patricia Boyle' },
    linked_record: {
      id: dealId,
      name: 'Travel Insurance',
      module: { api_name: 'Deals', id: ARTICLE.dealsModuleId as string },
    },
  };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  emails = (await allEmails(CONTACT)).filter((e) => e.owner.id === PATRICIA);
});
beforeEach(() => emu.reseed());
afterAll(() => emu.close());

describe('linking', () => {
  it('links 20 emails in one call, each with its own owner', async () => {
    const items = emails.slice(0, 20).map((e) => item(e.message_id));
    const res = await call('POST', BULK, { Emails: items });
    expect(res.status).toBe(200);
    expect(res.body.Emails).toHaveLength(20);
    for (const e of emails.slice(0, 20)) expect(await linkedDealOf(e.message_id)).toBe(TRAVEL_INSURANCE);
  });

  it('refuses more than 20 items as a whole, applying nothing', async () => {
    const items = emails.slice(0, 21).map((e) => item(e.message_id, GROUP_TRAVEL));
    const before = await linkedDealOf(emails[0]!.message_id);
    const res = await call('POST', BULK, { Emails: items });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'INVALID_DATA',
      details: { maximum_length: 20, api_name: 'Emails', json_path: 'Emails' },
      message: 'invalid data',
      status: 'error',
    });
    expect(await linkedDealOf(emails[0]!.message_id)).toBe(before);
  });

  it('replaces the link when an email linked to one deal is linked to another', async () => {
    const id = emails[1]!.message_id;
    await call('POST', BULK, { Emails: [item(id, GROUP_TRAVEL)] });
    expect(await linkedDealOf(id)).toBe(GROUP_TRAVEL);
    const res = await call('POST', BULK, { Emails: [item(id, TRAVEL_INSURANCE)] });
    expect(res.status).toBe(200);
    expect(await linkedDealOf(id)).toBe(TRAVEL_INSURANCE);
    const underOld = await emu.api('GET', `/crm/v8/Deals/${GROUP_TRAVEL}/Emails`);
    expect((underOld.body?.Emails ?? []).map((e: any) => e.message_id)).not.toContain(id);
  });

  it('links to a deal where the contact only holds a contact role', async () => {
    const res = await call('POST', `/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Emails/actions/link_record`, {
      Emails: [item(ARTICLE.emailsOfSecondContact[0], TRAVEL_INSURANCE)],
    });
    expect(res.status).toBe(200);
  });

  it('answers a mixed batch with 207, applying the good items', async () => {
    const good = emails[2]!.message_id;
    const res = await call('POST', BULK, { Emails: [item(good, GROUP_TRAVEL), item('ffff0000', GROUP_TRAVEL)] });
    expect(res.status).toBe(207);
    expect(res.body).toEqual({
      Emails: [
        {
          code: 'SUCCESS',
          details: { message_id: good },
          message: 'email has been linked with the deal successfully',
          status: 'success',
        },
        [
          {
            code: 'INVALID_DATA',
            details: { api_name: 'message_id', json_path: 'Emails[1].message_id' },
            message: 'invalid data',
            status: 'error',
          },
        ],
      ],
    });
    expect(await linkedDealOf(good)).toBe(GROUP_TRAVEL);
  });

  it('answers an all-bad batch with 400 in the array-of-arrays shape, naming each cause', async () => {
    const danielsEmail = (await allEmails(CONTACT)).find((e) => e.owner.id !== PATRICIA)!;
    const res = await call('POST', BULK, {
      Emails: [
        {
          owner: { id: PATRICIA },
          linked_record: { id: TRAVEL_INSURANCE, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
        },
        item(emails[3]!.message_id, '5843104000009999999'),
        item(emails[4]!.message_id, OTHER_CONTACTS_DEAL),
        item(danielsEmail.message_id, TRAVEL_INSURANCE, PATRICIA),
        'not an object',
      ],
    });
    expect(res.status).toBe(400);
    const err = (code: string, api_name: string, json_path: string) => [
      {
        code,
        details: { api_name, json_path },
        message: code === 'INVALID_DATA' ? 'invalid data' : `${api_name} is mandatory`,
        status: 'error',
      },
    ];
    expect(res.body).toEqual({
      Emails: [
        err('MANDATORY_NOT_FOUND', 'message_id', 'Emails[0].message_id'),
        err('INVALID_DATA', 'linked_record.id', 'Emails[1].linked_record.id'),
        err('INVALID_DATA', 'linked_record.id', 'Emails[2].linked_record.id'),
        err('INVALID_DATA', 'owner.id', 'Emails[3].owner.id'),
        err('INVALID_DATA', 'Emails', 'Emails[4]'),
      ],
    });
  });

  it('reports every missing mandatory key of an item', async () => {
    const res = await call('POST', BULK, {
      Emails: [{ message_id: emails[0]!.message_id, owner: {}, linked_record: { module: {} } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.Emails[0].map((e: any) => e.details.api_name)).toEqual([
      'owner.id',
      'linked_record.id',
      'linked_record.module.id',
    ]);
    expect(res.body.Emails[0].every((e: any) => e.code === 'MANDATORY_NOT_FOUND')).toBe(true);
  });

  it('refuses a wrong Deals module id on linked_record.module.id', async () => {
    const bad = item(emails[0]!.message_id);
    bad.linked_record.module.id = '5843104000000002179';
    const res = await call('POST', BULK, { Emails: [bad] });
    expect(res.status).toBe(400);
    expect(res.body.Emails[0][0].details).toEqual({
      api_name: 'linked_record.module.id',
      json_path: 'Emails[0].linked_record.module.id',
    });
  });

  it('answers a body without Emails with the top-level MANDATORY_NOT_FOUND', async () => {
    for (const body of [{}, { Emails: [] }, undefined]) {
      const res = await call('POST', BULK, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 'MANDATORY_NOT_FOUND',
        details: { api_name: 'Emails', json_path: 'Emails' },
        message: 'Emails is mandatory',
        status: 'error',
      });
    }
  });

  it('takes exactly one item on the single-email endpoint', async () => {
    const id = emails[5]!.message_id;
    const path = `/crm/v8/Contacts/${CONTACT}/Emails/${id}/actions/link_record`;
    const { message_id: _ignored, ...withoutId } = item(id, GROUP_TRAVEL);
    const ok = await call('POST', path, { Emails: [withoutId] });
    expect(ok.status).toBe(200);
    expect(ok.body.Emails[0].details.message_id).toBe(id);
    const two = await call('POST', path, { Emails: [withoutId, withoutId] });
    expect(two.status).toBe(400);
    expect(two.body.details).toEqual({ maximum_length: 1, api_name: 'Emails', json_path: 'Emails' });
  });

  it('answers an unknown message id on the single-email endpoint per item', async () => {
    const path = `/crm/v8/Contacts/${CONTACT}/Emails/abc123/actions/link_record`;
    const res = await call('POST', path, {
      Emails: [{ owner: { id: PATRICIA }, linked_record: item('x').linked_record }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      Emails: [
        [
          {
            code: 'INVALID_DATA',
            details: { api_name: 'message_id', json_path: 'message_id' },
            message: 'invalid data',
            status: 'error',
          },
        ],
      ],
    });
  });
});

describe('unlinking', () => {
  it('unlinks, and unlinking an email that has no link succeeds (retries are safe)', async () => {
    const id = emails[6]!.message_id;
    await call('POST', BULK, { Emails: [item(id)] });
    const path = `${BULK}?owner_id=${PATRICIA}&message_ids=${id}`;
    const first = await call('DELETE', path);
    expect(first.status).toBe(200);
    expect(await linkedDealOf(id)).toBeNull();
    const again = await call('DELETE', path);
    expect(again.status).toBe(200);
    expect(again.body.Emails[0]).toEqual({
      code: 'SUCCESS',
      details: { message_id: id },
      message: 'email has been unlinked from the deal successfully',
      status: 'success',
    });
  });

  it('never deletes the email: it stays under the contact', async () => {
    const before = (await allEmails(CONTACT)).length;
    const ids = emails
      .slice(0, 20)
      .map((e) => e.message_id)
      .join(',');
    const res = await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${ids}`);
    expect(res.status).toBe(200);
    expect((await allEmails(CONTACT)).length).toBe(before);
  });

  it('unlinks one email through the single form', async () => {
    const id = emails[7]!.message_id;
    await call('POST', BULK, { Emails: [item(id)] });
    const res = await call(
      'DELETE',
      `/crm/v8/Contacts/${CONTACT}/Emails/${id}/actions/link_record?owner_id=${PATRICIA}`,
    );
    expect(res.status).toBe(200);
    expect(await linkedDealOf(id)).toBeNull();
  });

  it("answers per item: an unknown email and an owner who is not the email's owner", async () => {
    const id = emails[8]!.message_id;
    const mixed = await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${id},deadbeef`);
    expect(mixed.status).toBe(207);
    expect(mixed.body.Emails[1]).toEqual([
      {
        code: 'INVALID_DATA',
        details: { api_name: 'message_id', json_path: 'message_ids[1]' },
        message: 'invalid data',
        status: 'error',
      },
    ]);
    const wrongOwner = await call('DELETE', `${BULK}?owner_id=5843104000000424688&message_ids=${id}`);
    expect(wrongOwner.status).toBe(400);
    expect(wrongOwner.body).toEqual({
      Emails: [
        [
          {
            code: 'INVALID_DATA',
            details: { api_name: 'owner_id', json_path: 'owner_id' },
            message: 'invalid data',
            status: 'error',
          },
        ],
      ],
    });
  });

  it('enforces 20 ids, 2000 characters, and the mandatory parameters', async () => {
    const longIds = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(101, 'f')).join(',');
    const tooMany = await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${longIds}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual({ maximum_length: 2000, api_name: 'message_ids', json_path: 'message_ids' });
    const twentyOneShort = Array.from({ length: 21 }, (_, i) => `a${i}`).join(',');
    const tooManyIds = await call('DELETE', `${BULK}?owner_id=${PATRICIA}&message_ids=${twentyOneShort}`);
    expect(tooManyIds.body.details).toEqual({ maximum_length: 20, api_name: 'message_ids', json_path: 'message_ids' });
    const noOwner = await call('DELETE', `${BULK}?message_ids=${emails[0]!.message_id}`);
    expect(noOwner.body).toEqual({
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'owner_id', json_path: 'owner_id' },
      message: 'owner_id is mandatory',
      status: 'error',
    });
    const noIds = await call('DELETE', `${BULK}?owner_id=${PATRICIA}`);
    expect(noIds.body).toEqual({
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'message_ids', json_path: 'message_ids' },
      message: 'message_ids is mandatory',
      status: 'error',
    });
  });
});

describe('paths', () => {
  it('answers an unknown contact with 400 INVALID_DATA', async () => {
    const path = '/crm/v8/Contacts/5843104000000000001/Emails/actions/link_record';
    const res = await call('POST', path, { Emails: [item(emails[0]!.message_id)] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'INVALID_DATA',
      details: { resource_path_index: 1 },
      message: 'the related id given seems to be invalid',
      status: 'error',
    });
  });

  it('answers a malformed path with 404 INVALID_URL_PATTERN', async () => {
    const notFound = {
      code: 'INVALID_URL_PATTERN',
      details: {},
      message: 'Please check if the URL trying to access is a correct one',
      status: 'error',
    };
    const withLetters = await call('POST', '/crm/v8/Contacts/12ab/Emails/actions/link_record', {
      Emails: [item(emails[0]!.message_id)],
    });
    expect(withLetters.status).toBe(404);
    expect(withLetters.body).toEqual(notFound);
    // Only Contacts is a parent of link_record; a misspelt segment is no route at all.
    for (const path of [
      `/crm/v8/Deals/${TRAVEL_INSURANCE}/Emails/actions/link_record`,
      `/crm/v8/Contacts/${CONTACT}/Email/actions/link_record`,
    ]) {
      const res = await emu.api('POST', path, { body: { Emails: [item(emails[0]!.message_id)] } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    }
  });
});
