/**
 * A second org and a second user: each gets credentials from the admin API; one org's tokens
 * never see the other's records; a user who is not an administrator reads and links only their
 * own mail (403 NO_PERMISSION otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, DEMO_ORG_ID, DEMO_SECOND_USER_ID, SECOND_ORG } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;
let second: {
  access_token: string;
  refresh_token: string;
  client_id: string;
  client_secret: string;
  org_id: string;
  user_id: string;
};
let daniel: string;

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await emu.api(method, path, body === undefined ? { token } : { token, body });
  expectMatchesOas(method, path, res.status, res.body);
  return res;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  second = (await emu.admin('POST', '/__emulator/tokens', { org: 'second' })).body;
  daniel = (await emu.admin('POST', '/__emulator/tokens', { user: DEMO_SECOND_USER_ID })).body.access_token;
});
afterAll(() => emu.close());

describe('a second org', () => {
  it('has its own credentials, usable through the refresh-token grant', async () => {
    expect(second).toMatchObject({
      org_id: SECOND_ORG.orgId,
      user_id: SECOND_ORG.userId,
      client_id: SECOND_ORG.clientId,
    });
    const res = await fetch(`${emu.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: second.client_id,
        client_secret: second.client_secret,
        refresh_token: second.refresh_token,
      }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const org = await call('GET', '/crm/v8/org', token);
    expect(org.body.org[0]).toMatchObject({ id: SECOND_ORG.orgId, company_name: 'Globex Imports' });
    const me = await call('GET', '/crm/v8/users?type=CurrentUser', token);
    expect(me.body.users[0]).toMatchObject({ id: SECOND_ORG.userId, full_name: 'Hana Sato' });
  });

  it('sees its own records and mail, with its own module ids', async () => {
    const emails = await call('GET', `/crm/v8/Contacts/${SECOND_ORG.contactId}/Emails`, second.access_token);
    expect(emails.status).toBe(200);
    expect(emails.body.Emails.length).toBeGreaterThan(0);
    const modules = await call('GET', '/crm/v8/settings/modules', second.access_token);
    expect(modules.body.modules.find((m: { api_name: string }) => m.api_name === 'Deals').id).toBe(
      SECOND_ORG.dealsModuleId,
    );
  });

  it("never sees the other org's records, and the other org never sees its records", async () => {
    expect((await call('GET', `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}`, second.access_token)).status).toBe(
      204,
    );
    expect(
      (await call('GET', `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails`, second.access_token)).status,
    ).toBe(400);
    expect(
      (await call('GET', `/crm/v8/Deals?fields=Deal_Name&ids=${ARTICLE.dealTravelInsurance}`, second.access_token))
        .status,
    ).toBe(204);
    expect((await call('GET', `/crm/v8/Contacts/${SECOND_ORG.contactId}`, emu.token)).status).toBe(204);
    expect((await call('GET', `/crm/v8/Deals/${SECOND_ORG.openDealId}`, emu.token)).status).toBe(204);
    const link = await call(
      'POST',
      `/crm/v8/Contacts/${ARTICLE.contactWithManyEmails}/Emails/${ARTICLE.emailOfFirstContact}/actions/link_record`,
      second.access_token,
      {
        Emails: [
          {
            owner: { id: SECOND_ORG.userId },
            linked_record: { id: SECOND_ORG.openDealId, module: { api_name: 'Deals', id: SECOND_ORG.dealsModuleId } },
          },
        ],
      },
    );
    expect(link.status).toBe(400);
    expect(link.body).toMatchObject({ code: 'INVALID_DATA' });
  });
});

describe('a user who is not an administrator', () => {
  const contact = ARTICLE.contactWithManyEmails;
  const patriciasEmail = ARTICLE.emailOfFirstContact;
  let danielsEmail: string;

  beforeAll(() => {
    const row = emu.store.db
      .prepare(
        `SELECT e.message_id FROM emails e JOIN email_records r ON r.org_id = e.org_id AND r.message_id = e.message_id
          WHERE e.org_id = ? AND e.owner_id = ? AND r.module = 'Contacts' AND r.record_id = ? LIMIT 1`,
      )
      .get(DEMO_ORG_ID, DEMO_SECOND_USER_ID, contact) as { message_id: string };
    danielsEmail = row.message_id;
  });

  it('reads their own mail, and gets 403 NO_PERMISSION for mail that is not theirs', async () => {
    expect((await call('GET', `/crm/v8/Contacts/${contact}/Emails/${danielsEmail}`, daniel)).status).toBe(200);
    const other = await call('GET', `/crm/v8/Contacts/${contact}/Emails/${patriciasEmail}`, daniel);
    expect(other.status).toBe(403);
    // As Zoho's OAS shows NO_PERMISSION: the missing profile permission in details.permissions.
    expect(other.body).toEqual({
      code: 'NO_PERMISSION',
      details: { permissions: ['Crm_Implied_View_Emails'] },
      message: 'permission denied',
      status: 'error',
    });
    const mailbox = await call(
      'GET',
      `/crm/v8/Contacts/${contact}/Emails?type=user_emails&owner_id=${ARTICLE.userPatriciaBoyle}`,
      daniel,
    );
    expect(mailbox.status).toBe(403);
  });

  it('cannot link or unlink mail that is not theirs; an administrator can', async () => {
    const body = {
      Emails: [
        {
          owner: { id: ARTICLE.userPatriciaBoyle },
          linked_record: { id: ARTICLE.dealTravelInsurance, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
        },
      ],
    };
    const single = `/crm/v8/Contacts/${contact}/Emails/${patriciasEmail}/actions/link_record`;
    expect((await call('POST', single, daniel, body)).status).toBe(403);
    const bulk = `/crm/v8/Contacts/${contact}/Emails/actions/link_record`;
    expect(
      (await call('POST', bulk, daniel, { Emails: [{ ...body.Emails[0], message_id: patriciasEmail }] })).status,
    ).toBe(403);
    expect(
      (await call('DELETE', `${bulk}?owner_id=${ARTICLE.userPatriciaBoyle}&message_ids=${patriciasEmail}`, daniel))
        .status,
    ).toBe(403);
    expect((await call('GET', `/crm/v8/Contacts/${contact}/Emails/${danielsEmail}`, emu.token)).status).toBe(200);
    expect((await call('POST', single, emu.token, body)).status).toBe(200);
  });
});
