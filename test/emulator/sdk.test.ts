/**
 * Zoho's official Node SDK (@zohocrm/nodejs-sdk-8.0) as an outside client: initialised against
 * the emulator with a custom environment, it refreshes its token at the emulator's
 * /oauth/v2/token (multipart, as it sends it), and every operation that touches what the gateway
 * uses goes through: records and related records (with the settings the SDK reads first), emails
 * list and single, associate (whose body the SDK sends without a Content-Type), users, org,
 * modules, fields, layouts and the pipeline. Each test counts the calls the emulator received.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ZOHOCRMSDK from '@zohocrm/nodejs-sdk-8.0';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTICLE, CONTACTS_MODULE_ID, DEMO_CREDENTIALS, STAGES } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';

/** An in-memory token store: the SDK's FileStore would write next to node_modules. */
class MemoryStore extends ZOHOCRMSDK.TokenStore.TokenStore {
  tokens: any[] = [];
  async findToken(token: any) {
    return (
      this.tokens.find(
        (t) => t.getClientId() === token.getClientId() && t.getRefreshToken() === token.getRefreshToken(),
      ) ?? null
    );
  }
  async findTokenById(id: string) {
    return this.tokens.find((t) => t.getId() === id) ?? null;
  }
  async saveToken(token: any) {
    if (!token.getId()) token.setId(String(this.tokens.length + 1));
    this.tokens = [...this.tokens.filter((t) => t.getId() !== token.getId()), token];
  }
  async deleteToken(id: string) {
    this.tokens = this.tokens.filter((t) => t.getId() !== id);
  }
  async getTokens() {
    return this.tokens;
  }
  async deleteTokens() {
    this.tokens = [];
  }
}

let emu: TestEmulator;
let resourceDir: string;
const store = new MemoryStore();
const CONTACT = ARTICLE.contactWithManyEmails;
const DEALS_LAYOUT = BigInt(ARTICLE.dealsModuleId) + 88_000n;

beforeAll(async () => {
  emu = await startTestEmulator();
  resourceDir = mkdtempSync(join(tmpdir(), 'zoho-sdk-'));
  const environment = new ZOHOCRMSDK.Environment(emu.url, `${emu.url}/oauth/v2/token`, emu.url);
  const token = new ZOHOCRMSDK.OAuthBuilder()
    .clientId(DEMO_CREDENTIALS.clientId)
    .clientSecret(DEMO_CREDENTIALS.clientSecret)
    .refreshToken(DEMO_CREDENTIALS.refreshToken)
    .build();
  const sdkConfig = new ZOHOCRMSDK.SDKConfigBuilder().pickListValidation(false).autoRefreshFields(false).build();
  await (
    await new ZOHOCRMSDK.InitializeBuilder()
  )
    .environment(environment)
    .token(token)
    .store(store)
    .SDKConfig(sdkConfig)
    // The SDK appends "resources/" to this path as a string: it must end with a separator.
    .resourcePath(`${resourceDir}/`)
    .initialize();
});
afterAll(async () => {
  await emu?.close();
  rmSync(resourceDir, { recursive: true, force: true });
});

/** The /crm calls the emulator received during the current test. */
const calls = () => emu.stats.snapshot().requests;
const rejected = () => emu.stats.snapshot().rejected;

async function params(entries: Array<[any, unknown]>) {
  const map = new ZOHOCRMSDK.ParameterMap();
  for (const [param, value] of entries) await map.add(param, value);
  return map;
}

describe("Zoho's Node SDK against the emulator", () => {
  let first = true;
  beforeEach(() => {
    // The first test keeps the SDK's token grant and its user lookup in the counters.
    if (!first) emu.stats.reset();
    first = false;
  });

  it("reads a contact's emails, page by page, and one email's content", async () => {
    const ops = new ZOHOCRMSDK.EmailRelatedRecords.EmailRelatedRecordsOperations(BigInt(CONTACT), 'Contacts');
    const page1 = await ops.getEmailsRelatedRecords();
    expect(page1.getStatusCode()).toBe(200);
    const wrapper = page1.getObject();
    expect(wrapper).toBeInstanceOf(ZOHOCRMSDK.EmailRelatedRecords.ResponseWrapper);
    const emails = wrapper.getEmails();
    expect(emails).toHaveLength(10);
    expect(emails[0].getMessageId()).toMatch(/^[0-9a-f]{64}([0-9a-f]{32})?$/);
    expect(emails[0].getOwner().getId()).toBeTruthy();
    const info = wrapper.getInfo();
    expect(info.getMoreRecords()).toBe(true);

    const page2 = await ops.getEmailsRelatedRecords(
      await params([[ZOHOCRMSDK.EmailRelatedRecords.GetEmailsRelatedRecordsParam.INDEX, info.getNextIndex()]]),
    );
    const secondIds = page2
      .getObject()
      .getEmails()
      .map((e: any) => e.getMessageId());
    expect(secondIds).toHaveLength(10);
    expect(secondIds).not.toContain(emails[0].getMessageId());

    const one = await ops.getEmailsRelatedRecord(ARTICLE.emailOfFirstContact);
    expect(one.getStatusCode()).toBe(200);
    const [email] = one.getObject().getEmails();
    expect(email.getMessageId()).toBe(ARTICLE.emailOfFirstContact);
    expect(email.getContent()).toContain('<div>');

    // The SDK minted its token at the emulator's token endpoint, and asked who it is.
    const stats = emu.stats.snapshot();
    expect(stats.tokenGrants).toBe(1);
    expect(stats.requests['GET /crm/v8/users']).toBe(1);
    expect(stats.requests['GET /crm/v8/Contacts/{id}/Emails']).toBe(2);
    expect(stats.requests['GET /crm/v8/Contacts/{id}/Emails/{message_id}']).toBe(1);
    expect(store.tokens[0].getAccessToken()).toMatch(/^1000\./);
  });

  it('reads one contact and a page of deals, after the fields metadata it reads first', async () => {
    const one = await new ZOHOCRMSDK.Record.RecordOperations('Contacts').getRecord(BigInt(CONTACT));
    expect(one.getStatusCode()).toBe(200);
    const [contact] = one.getObject().getData();
    expect(contact.getId()).toBe(BigInt(CONTACT));
    expect(contact.getKeyValue('Full_Name')).toBeTruthy();

    const list = await new ZOHOCRMSDK.Record.RecordOperations('Deals').getRecords(
      await params([
        [ZOHOCRMSDK.Record.GetRecordsParam.FIELDS, 'Deal_Name,Stage'],
        [ZOHOCRMSDK.Record.GetRecordsParam.PER_PAGE, 5],
      ]),
    );
    expect(list.getStatusCode()).toBe(200);
    const deals = list.getObject().getData();
    expect(deals).toHaveLength(5);
    expect(STAGES.map((s) => s.name)).toContain(deals[0].getKeyValue('Stage').getValue());
    expect(list.getObject().getInfo().getMoreRecords()).toBe(true);

    expect(calls()).toEqual({
      'GET /crm/v8/settings/fields': 2,
      'GET /crm/v8/Contacts/{id}': 1,
      'GET /crm/v8/Deals': 1,
    });
    expect(rejected()).toEqual({});
  });

  it("reads a contact's related deals, after the related lists it reads first", async () => {
    const ops = new ZOHOCRMSDK.RelatedRecords.RelatedRecordsOperations('Deals', 'Contacts');
    const res = await ops.getRelatedRecords(
      BigInt(ARTICLE.contactOfMultiLink),
      await params([[ZOHOCRMSDK.RelatedRecords.GetRelatedRecordsParam.FIELDS, 'Deal_Name,Stage']]),
    );
    expect(res.getStatusCode()).toBe(200);
    const ids = res
      .getObject()
      .getData()
      .map((d: any) => String(d.getId()));
    expect(ids).toContain(ARTICLE.dealTravelInsurance);
    expect(calls()).toMatchObject({
      'GET /crm/v8/settings/related_lists': 1,
      'GET /crm/v8/Contacts/{id}/Deals': 1,
    });
    expect(rejected()).toEqual({});
  });

  it('associates a received email with a contact, its body sent without a Content-Type', async () => {
    const A = ZOHOCRMSDK.AssociateEmail;
    const email = new A.AssociateEmail();
    const from = new A.From();
    from.setUserName('Ann Client');
    from.setEmail('ann@client.example.com');
    await email.setFrom(from);
    const to = new A.To();
    to.setUserName('Patricia Boyle');
    to.setEmail('patricia.boyle@zylkertravel.com');
    email.setTo([to]);
    email.setSubject('About the itinerary');
    email.setContent('<div>Can we add a day in Lisbon?</div>');
    email.setMailFormat(new ZOHOCRMSDK.Choice('html'));
    email.setOriginalMessageId('<sdk-associate-1@client.example.com>');
    email.setSent(false);
    email.setDateTime(new Date('2026-01-05T09:00:00Z'));
    const body = new A.BodyWrapper();
    body.setEmails([email]);

    const res = await new A.AssociateEmailOperations().associate(BigInt(CONTACT), 'Contacts', body);
    expect(res.getStatusCode()).toBe(201);
    const [result] = res.getObject().getEmails();
    expect(result.getStatus().getValue()).toBe('success');
    const messageId = result.getDetails().get('message_id');
    expect(messageId).toMatch(/^[0-9a-f]+$/);

    // It is filed under the contact, as the SDK's own read shows.
    const read = await new ZOHOCRMSDK.EmailRelatedRecords.EmailRelatedRecordsOperations(
      BigInt(CONTACT),
      'Contacts',
    ).getEmailsRelatedRecord(messageId);
    expect(read.getObject().getEmails()[0].getSubject()).toBe('About the itinerary');
    expect(calls()).toMatchObject({ 'POST /crm/v8/Contacts/{id}/actions/associate_email': 1 });
    expect(rejected()).toEqual({});
  });

  it('lists the users and reads one', async () => {
    const ops = new ZOHOCRMSDK.Users.UsersOperations();
    const all = await ops.getUsers();
    expect(all.getStatusCode()).toBe(200);
    const ids = all
      .getObject()
      .getUsers()
      .map((u: any) => String(u.getId()));
    expect(ids).toContain(ARTICLE.userPatriciaBoyle);
    const one = await ops.getUser(BigInt(ARTICLE.userPatriciaBoyle));
    expect(one.getObject().getUsers()[0].getFullName()).toBe('Patricia Boyle');
    expect(calls()).toEqual({ 'GET /crm/v8/users': 1, 'GET /crm/v8/users/{id}': 1 });
  });

  it('reads the org', async () => {
    const res = await new ZOHOCRMSDK.Org.OrgOperations().getOrganization();
    expect(res.getStatusCode()).toBe(200);
    const [org] = res.getObject().getOrg();
    expect(org.getId()).toBeTruthy();
    expect(org.getCompanyName()).toBeTruthy();
    expect(calls()).toEqual({ 'GET /crm/v8/org': 1 });
  });

  it('lists the modules and reads one by its API name', async () => {
    const ops = new ZOHOCRMSDK.Modules.ModulesOperations();
    const all = await ops.getModules();
    expect(all.getStatusCode()).toBe(200);
    const byName = Object.fromEntries(
      all
        .getObject()
        .getModules()
        .map((m: any) => [m.getAPIName(), String(m.getId())]),
    );
    expect(byName).toMatchObject({ Deals: ARTICLE.dealsModuleId, Contacts: CONTACTS_MODULE_ID });
    const deals = await ops.getModuleByAPIName('Deals');
    expect(deals.getStatusCode()).toBe(200);
    expect(String(deals.getObject().getModules()[0].getId())).toBe(ARTICLE.dealsModuleId);
    expect(calls()).toEqual({ 'GET /crm/v8/settings/modules': 1, 'GET /crm/v8/settings/modules/Deals': 1 });
  });

  it("reads the Deals fields, the Stage picklist with each value's forecast type", async () => {
    const res = await new ZOHOCRMSDK.Fields.FieldsOperations().getFields(
      await params([[ZOHOCRMSDK.Fields.GetFieldsParam.MODULE, 'Deals']]),
    );
    expect(res.getStatusCode()).toBe(200);
    const stage = res
      .getObject()
      .getFields()
      .find((f: any) => f.getAPIName() === 'Stage');
    const forecast = stage.getPickListValues().map((v: any) => [v.getActualValue(), v.getForecastType()]);
    expect(forecast).toEqual(STAGES.map((s) => [s.name, s.forecast_type]));
    expect(calls()).toEqual({ 'GET /crm/v8/settings/fields': 1 });
  });

  it('reads the Deals layout and the pipeline of that layout', async () => {
    const layouts = await new ZOHOCRMSDK.Layouts.LayoutsOperations().getLayouts(
      await params([[ZOHOCRMSDK.Layouts.GetLayoutsParam.MODULE, 'Deals']]),
    );
    expect(layouts.getStatusCode()).toBe(200);
    const [layout] = layouts.getObject().getLayouts();
    expect(layout.getId()).toBe(DEALS_LAYOUT);

    const pipelines = await new ZOHOCRMSDK.Pipeline.PipelineOperations(layout.getId()).getPipelines();
    expect(pipelines.getStatusCode()).toBe(200);
    const [pipeline] = pipelines.getObject().getPipeline();
    expect(pipeline.getDefault()).toBe(true);
    expect(pipeline.getMaps().map((m: any) => [m.getActualValue(), m.getForecastType()])).toEqual(
      STAGES.map((s) => [s.name, s.forecast_type]),
    );
    expect(calls()).toEqual({ 'GET /crm/v8/settings/layouts': 1, 'GET /crm/v8/settings/pipeline': 1 });
  });
});
