/**
 * Requests are typed by route: a link, unlink or associate call whose body (or, for unlink, whose
 * query) breaks Zoho's wire types does not compile. `tsc --noEmit`, the first step of `npm test`,
 * checks every `@ts-expect-error` line below: a line that compiles fails the type check. The
 * well-formed calls are then sent, as written, to the emulator, which does what they ask.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type ZohoClient, type ZohoRequest, type ZohoWrite } from '../../src/zoho/index.ts';
import type {
  ZohoAssociateEmail,
  ZohoAssociateRequest,
  ZohoLinkItem,
  ZohoLinkRequest,
  ZohoLinkResponse,
  ZohoAssociateResponse,
  ZohoUnlinkQuery,
} from '../../src/wire/index.ts';
import { ARTICLE, serviceClient, startTestEmulator, type TestEmulator } from './support.ts';

const LINK = '/Contacts/{id}/Emails/actions/link_record';
const ASSOCIATE = '/Contacts/{id}/actions/associate_email';
const params = { id: ARTICLE.contactWithManyEmails };
const message = ARTICLE.emailOfFirstContact;
const owner = { id: ARTICLE.userPatriciaBoyle, name: 'Patricia Boyle' };
const linked = {
  id: ARTICLE.dealTravelInsurance,
  name: 'Travel Insurance',
  module: { api_name: 'Deals' as const, id: ARTICLE.dealsModuleId },
};
const item: ZohoLinkItem = { message_id: message, owner, linked_record: linked };
const email: ZohoAssociateEmail = {
  from: { user_name: 'Ann Client', email: 'ann@client.example' },
  to: [{ user_name: 'Patricia Boyle', email: 'patricia.boyle@zylkertravel.com' }],
  subject: 'Re: travel plans',
  content: '<p>Hello</p>',
  mail_format: 'html',
  date_time: '2026-01-10T10:00:00-05:00',
  sent: false,
  original_message_id: `<typed.${process.pid}@client.example>`,
};

/** The compiler's judgement only: nothing here is sent. */
const typed = (req: ZohoRequest): ZohoRequest => req;

describe('what a write may carry', () => {
  it('a link body missing a required field does not compile', () => {
    const { owner: _owner, ...ownerless } = item;
    const { module: _module, ...moduleless } = linked;
    // @ts-expect-error: every link item names the owner of its mailbox
    typed({ method: 'POST', route: LINK, params, body: { Emails: [ownerless] } });
    // @ts-expect-error: linked_record needs the Deals module
    typed({ method: 'POST', route: LINK, params, body: { Emails: [{ ...item, linked_record: moduleless }] } });
    // @ts-expect-error: the items are under `Emails`
    typed({ method: 'POST', route: LINK, params, body: { emails: [item] } });
    // @ts-expect-error: the route names the contact: params.id is required
    typed({ method: 'POST', route: LINK, params: {}, body: { Emails: [item] } });
    expectTypeOf({ Emails: [ownerless] }).not.toExtend<ZohoLinkRequest>();
  });

  it('an unlink of the wrong shape does not compile', () => {
    const query = { owner_id: ARTICLE.userPatriciaBoyle, message_ids: message };
    // @ts-expect-error: unlink takes no body
    typed({ method: 'DELETE', route: LINK, params, query, body: { Emails: [item] } });
    // @ts-expect-error: one owner per call, and it is mandatory
    typed({ method: 'DELETE', route: LINK, params, query: { message_ids: message } });
    // @ts-expect-error: message_ids is one comma-joined string, not an array
    typed({ method: 'DELETE', route: LINK, params, query: { ...query, message_ids: [message] } });
    // @ts-expect-error: unlink's query is owner_id and message_ids, nothing else
    typed({ method: 'DELETE', route: LINK, params, query: { ...query, ids: message } });
    expectTypeOf<Extract<ZohoWrite, { method: 'DELETE' }>['query']>().toEqualTypeOf<ZohoUnlinkQuery>();
  });

  it('an associate body with a wrong field does not compile', () => {
    // @ts-expect-error: `to` is a list of addresses
    typed({ method: 'POST', route: ASSOCIATE, params, body: { Emails: [{ ...email, to: 'patricia@zylker.com' }] } });
    // @ts-expect-error: Zoho has no `fromAddress`; the sender is `from`
    typed({ method: 'POST', route: ASSOCIATE, params, body: { Emails: [{ ...email, fromAddress: 'ann@x.example' }] } });
    // @ts-expect-error: `sent` is a boolean
    typed({ method: 'POST', route: ASSOCIATE, params, body: { Emails: [{ ...email, sent: 'no' }] } });
    // @ts-expect-error: an associate body is not a link body
    typed({ method: 'POST', route: ASSOCIATE, params, body: { Emails: [item] } });
    expectTypeOf({ Emails: [{ ...email, sent: 'no' }] }).not.toExtend<ZohoAssociateRequest>();
  });

  it('a write to a route the client does not list does not compile; any read does', () => {
    // @ts-expect-error: no such write
    typed({ method: 'POST', route: '/Contacts/{id}/Emails', params, body: { Emails: [item] } });
    // @ts-expect-error: a read has no body
    typed({ method: 'GET', route: '/Contacts/{id}/Emails', params, body: { Emails: [item] } });
    expectTypeOf(typed({ method: 'GET', route: '/Contacts/{id}/Emails', params })).toExtend<ZohoRequest>();
  });
});

describe('the well-formed writes, as Zoho takes them', () => {
  let t: TestEmulator;
  let zoho: ZohoClient;
  beforeAll(async () => {
    t = await startTestEmulator();
    zoho = serviceClient(t.url);
  });
  afterAll(async () => {
    zoho.close();
    await t.close();
  });
  beforeEach(() => t.admin.reset());

  it('links an email to a deal, unlinks it, and files a new one', async () => {
    const linkedNow = await zoho.request<ZohoLinkResponse>({
      method: 'POST',
      route: LINK,
      params,
      body: { Emails: [{ message_id: message, owner, linked_record: linked }] },
    });
    expect(linkedNow.data?.Emails).toEqual([expect.objectContaining({ status: 'success', code: 'SUCCESS' })]);

    const unlinked = await zoho.request<ZohoLinkResponse>({
      method: 'DELETE',
      route: LINK,
      params,
      query: { owner_id: owner.id, message_ids: message },
    });
    expect(unlinked.data?.Emails).toEqual([expect.objectContaining({ status: 'success', code: 'SUCCESS' })]);

    const filed = await zoho.request<ZohoAssociateResponse>({
      method: 'POST',
      route: ASSOCIATE,
      params,
      body: { Emails: [email] },
    });
    expect(filed.data?.Emails[0]).toMatchObject({ status: 'success', details: { message_id: expect.any(String) } });
    const stats = await t.admin.stats();
    expect(stats.requests[`POST /crm/v8${LINK}`]).toBe(1);
    expect(stats.requests[`DELETE /crm/v8${LINK}`]).toBe(1);
    expect(stats.requests[`POST /crm/v8${ASSOCIATE}`]).toBe(1);
  });
});
