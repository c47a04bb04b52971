import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateAssociateBody } from '../../src/emulator/domain/associate.ts';
import { ARTICLE, CONTACTS_MODULE_ID, DEMO_SECOND_USER_ID } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

function email(overrides: Record<string, unknown> = {}) {
  return {
    from: { user_name: 'Ann Client', email: 'ann@client.example' },
    to: [{ user_name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example' }],
    subject: 'Renewal',
    content: '<p>Hello</p>',
    mail_format: 'html',
    date_time: '2025-05-01T10:00:00+05:30',
    sent: false,
    original_message_id: '<abc.123@client.example>',
    ...overrides,
  };
}

describe('Associate Email body checks', () => {
  it('accepts a complete email and normalises it', () => {
    const v = validateAssociateBody({
      Emails: [
        email({
          linked_record: { id: '5843104000004382122', module: { api_name: 'Deals', id: '5843104000000003735' } },
        }),
      ],
    });
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.email.linked_record).toEqual({
        id: '5843104000004382122',
        name: null,
        module: { api_name: 'Deals', id: '5843104000000003735' },
      });
      expect(v.email.cc).toBeNull();
    }
  });

  it('reports the first missing mandatory key in a flat Emails array with a $. path', () => {
    const { from: _from, ...noFrom } = email();
    expect(validateAssociateBody({ Emails: [noFrom] })).toEqual({
      ok: false,
      error: {
        status: 400,
        body: {
          Emails: [
            {
              code: 'MANDATORY_NOT_FOUND',
              details: { api_name: 'from', json_path: '$.Emails[0].from' },
              message: 'required field not found',
              status: 'error',
            },
          ],
        },
      },
    });
    for (const key of ['to', 'subject', 'content', 'date_time', 'sent', 'original_message_id']) {
      const v = validateAssociateBody({ Emails: [email({ [key]: undefined })] });
      expect(v.ok ? null : v.error.body).toMatchObject({
        Emails: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: key, json_path: `$.Emails[0].${key}` } }],
      });
    }
  });

  it('takes one email per call', () => {
    const v = validateAssociateBody({ Emails: [email(), email()] });
    expect(v.ok ? null : v.error.body).toEqual({
      code: 'INVALID_DATA',
      details: { maximum_length: 1, api_name: 'Emails', json_path: '$.Emails' },
      message: 'invalid data',
      status: 'error',
    });
  });

  it('needs the Emails key', () => {
    const v = validateAssociateBody({ data: [email()] });
    expect(v.ok ? null : v.error.body).toMatchObject({
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'Emails', json_path: '$.Emails' },
    });
  });

  it('refuses values of the wrong form, naming the field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from: { email: 'not an address' } }, '$.Emails[0].from'],
      [{ to: [] }, '$.Emails[0].to'],
      [{ to: [{ email: 'x' }] }, '$.Emails[0].to[0].email'],
      [{ sent: 'yes' }, '$.Emails[0].sent'],
      [{ date_time: 'yesterday' }, '$.Emails[0].date_time'],
      [{ mail_format: 'rtf' }, '$.Emails[0].mail_format'],
      [{ subject: 'x'.repeat(501) }, '$.Emails[0].subject'],
      [{ linked_record: { id: 'abc', module: { api_name: 'Deals' } } }, '$.Emails[0].linked_record.id'],
    ];
    for (const [overrides, path] of cases) {
      const v = validateAssociateBody({ Emails: [email(overrides)] });
      expect(v.ok ? null : v.error.body, path).toMatchObject({
        code: 'INVALID_DATA',
        status: 'error',
        details: { json_path: path },
      });
    }
  });

  it('needs the module of a linked record', () => {
    const v = validateAssociateBody({ Emails: [email({ linked_record: { id: '1' } })] });
    expect(v.ok ? null : v.error.body).toMatchObject({
      Emails: [{ code: 'MANDATORY_NOT_FOUND', details: { json_path: '$.Emails[0].linked_record.module' } }],
    });
  });

  it('refuses attachments, since the emulator has no file store to hold them', () => {
    const v = validateAssociateBody({ Emails: [email({ attachments: [{ id: 'f1', name: 'a.pdf' }] })] });
    expect(v.ok ? null : v.error.body).toMatchObject({ code: 'INVALID_DATA', message: 'provided file id is improper' });
  });
});

describe('POST /{module}/{id}/actions/associate_email over HTTP', () => {
  let emu: TestEmulator;
  let seq = 0;
  const CONTACT = ARTICLE.contactWithManyEmails;
  const SECOND_CONTACT = ARTICLE.contactOfMultiLink;
  const DEAL = ARTICLE.dealTravelInsurance;
  const DEALS_MODULE = ARTICLE.dealsModuleId;

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());

  const fresh = (overrides: Record<string, unknown> = {}) =>
    email({ original_message_id: `<assoc-${++seq}@client.example>`, ...overrides });

  async function associate(module: string, id: string, body: unknown, token?: string) {
    const path = `/crm/v8/${module}/${id}/actions/associate_email`;
    const res = await emu.api('POST', path, token === undefined ? { body } : { body, token });
    expectMatchesOas('POST', path, res.status, res.body);
    return res;
  }

  async function view(contactId: string, messageId: string) {
    const res = await emu.api('GET', `/crm/v8/Contacts/${contactId}/Emails/${messageId}`);
    expect(res.status).toBe(200);
    return res.body.Emails[0];
  }

  it('logs a new email under the contact and answers 201 with its new Zoho message id', async () => {
    const res = await associate('Contacts', CONTACT, { Emails: [fresh({ sent: true, subject: 'Proposal sent' })] });
    expect(res.status).toBe(201);
    const [item] = res.body.Emails;
    expect(item).toMatchObject({
      code: 'SUCCESS',
      status: 'success',
      message: 'Your mail has been added successfully',
    });
    expect(item.details.message_id).toMatch(/^[0-9a-f]{64}$/);
    expect(await view(CONTACT, item.details.message_id)).toMatchObject({
      subject: 'Proposal sent',
      sent: true,
      content: '<p>Hello</p>',
      linked_record: null,
    });
  });

  it('links the email to the deal named as linked_record on a contact', async () => {
    const lr = { id: DEAL, name: 'Travel Insurance', module: { api_name: 'Deals', id: DEALS_MODULE } };
    const res = await associate('Contacts', CONTACT, { Emails: [fresh({ sent: true, linked_record: lr })] });
    expect(res.status).toBe(201);
    expect((await view(CONTACT, res.body.Emails[0].details.message_id)).linked_record).toMatchObject({
      id: DEAL,
      name: 'Travel Insurance',
    });
  });

  it('files the email under the contact named as linked_record on a deal, linked to that deal', async () => {
    const lr = { id: SECOND_CONTACT, module: { api_name: 'Contacts', id: CONTACTS_MODULE_ID } };
    const res = await associate('Deals', DEAL, { Emails: [fresh({ linked_record: lr })] });
    expect(res.status).toBe(201);
    const messageId = res.body.Emails[0].details.message_id;
    expect((await view(SECOND_CONTACT, messageId)).linked_record?.id).toBe(DEAL);
    const underDeal = await emu.api('GET', `/crm/v8/Deals/${DEAL}/Emails/${messageId}`);
    expect(underDeal.status).toBe(200);
  });

  it('refuses a linked_record that is not the record’s', async () => {
    const lr = { id: '5843104000004102233', module: { api_name: 'Deals', id: DEALS_MODULE } }; // the other contact's deal
    const res = await associate('Contacts', CONTACT, { Emails: [fresh({ linked_record: lr })] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'INVALID_DATA',
      message: 'the parent entity id given seems to be invalid',
      details: { json_path: '$.Emails[0].linked_record.id' },
    });
    const wrongModule = await associate('Contacts', CONTACT, {
      Emails: [fresh({ linked_record: { id: DEAL, module: { api_name: 'Leads' } } })],
    });
    expect(wrongModule.body).toMatchObject({ code: 'INVALID_DATA', message: 'the api_name given seems to be invalid' });
  });

  it('answers each body error in Zoho’s shapes', async () => {
    const { subject: _s, ...noSubject } = fresh();
    const missing = await associate('Contacts', CONTACT, { Emails: [noSubject] });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      Emails: [
        {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: 'subject', json_path: '$.Emails[0].subject' },
          message: 'required field not found',
          status: 'error',
        },
      ],
    });
    const two = await associate('Contacts', CONTACT, { Emails: [fresh(), fresh()] });
    expect(two.body).toMatchObject({ code: 'INVALID_DATA', details: { maximum_length: 1, api_name: 'Emails' } });
    const badType = await associate('Contacts', CONTACT, { Emails: [fresh({ sent: 'no' })] });
    expect(badType.body).toMatchObject({
      code: 'INVALID_DATA',
      details: { api_name: 'sent', json_path: '$.Emails[0].sent' },
    });
    const noWrapper = await associate('Contacts', CONTACT, { data: [fresh()] });
    expect(noWrapper.body).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Emails' } });
  });

  it('answers an unknown record, an unknown module and a bad owner', async () => {
    expect((await associate('Contacts', '5843104000000000001', { Emails: [fresh()] })).body).toMatchObject({
      code: 'INVALID_DATA',
      status: 'error',
    });
    expect((await associate('Leads', CONTACT, { Emails: [fresh()] })).body).toMatchObject({ code: 'INVALID_MODULE' });
    const owner = await associate('Contacts', CONTACT, { Emails: [fresh({ owner: { id: '5843104000000000009' } })] });
    expect(owner.body).toMatchObject({ code: 'INVALID_DATA', message: 'Provide a Proper owner id' });
  });

  it('lets only an administrator associate another user’s mail', async () => {
    const daniel = await emu.mintToken(
      (await emu.admin('POST', '/__emulator/tokens', { user: DEMO_SECOND_USER_ID })).body.refresh_token,
    );
    const asDaniel = await associate(
      'Contacts',
      CONTACT,
      { Emails: [fresh({ owner: { id: ARTICLE.userPatriciaBoyle } })] },
      daniel,
    );
    expect(asDaniel.status).toBe(403);
    expect(asDaniel.body).toMatchObject({
      code: 'NO_PERMISSION',
      details: { permissions: ['Crm_Implied_View_Emails'] },
      message: 'Only Admin Role/Profile Users will have permission',
    });
    const asPatricia = await associate('Contacts', CONTACT, {
      Emails: [fresh({ owner: { id: DEMO_SECOND_USER_ID } })],
    });
    expect(asPatricia.status).toBe(201);
    expect((await view(CONTACT, asPatricia.body.Emails[0].details.message_id)).owner.id).toBe(DEMO_SECOND_USER_ID);
  });

  it('refuses the same original_message_id twice with DUPLICATE_DATA, and email_available says where it is', async () => {
    const body = { Emails: [fresh({ original_message_id: '<dup-1@client.example>' })] };
    const first = await associate('Contacts', CONTACT, body);
    expect(first.status).toBe(201);
    const again = await associate('Contacts', CONTACT, body);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      Emails: [
        {
          code: 'DUPLICATE_DATA',
          details: { api_name: 'original_message_id', json_path: '$.Emails[0].original_message_id' },
          message: 'duplicate data',
          status: 'error',
        },
      ],
    });

    const path = `/crm/v8/actions/email_available?orginal_message_id=${encodeURIComponent('<dup-1@client.example>')}`;
    const where = await emu.api('GET', path);
    expectMatchesOas('GET', path, where.status, where.body);
    expect(where.body).toMatchObject({
      available: true,
      record: {
        module: { api_name: 'Contacts', id: CONTACTS_MODULE_ID },
        id: CONTACT,
        message_id: first.body.Emails[0].details.message_id,
      },
    });
    const nowhere = await emu.api('GET', '/crm/v8/actions/email_available?orginal_message_id=never-seen');
    expectMatchesOas('GET', '/crm/v8/actions/email_available', nowhere.status, nowhere.body);
    expect(nowhere.body).toEqual({ available: false });
    const missing = await emu.api('GET', '/crm/v8/actions/email_available');
    expectMatchesOas('GET', '/crm/v8/actions/email_available', missing.status, missing.body);
    expect(missing.body).toMatchObject({
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'orginal_message_id' },
    });
  });
});
