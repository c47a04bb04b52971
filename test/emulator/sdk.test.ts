/**
 * Zoho's official Node SDK (@zohocrm/nodejs-sdk-8.0) as an outside client: initialised against
 * the emulator with a custom environment, it refreshes its token at the emulator's
 * /oauth/v2/token (multipart, as it sends it), asks for the current user, and reads a contact's
 * emails and one email's content.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ZOHOCRMSDK from '@zohocrm/nodejs-sdk-8.0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE, DEMO_CREDENTIALS } from '../../src/emulator/seed/index.ts';
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
    .resourcePath(resourceDir)
    .initialize();
});
afterAll(async () => {
  await emu?.close();
  rmSync(resourceDir, { recursive: true, force: true });
});

describe("Zoho's Node SDK against the emulator", () => {
  it("reads a contact's emails, page by page, and one email's content", async () => {
    const ops = new ZOHOCRMSDK.EmailRelatedRecords.EmailRelatedRecordsOperations(
      BigInt(ARTICLE.contactWithManyEmails),
      'Contacts',
    );
    const first = await ops.getEmailsRelatedRecords();
    expect(first.getStatusCode()).toBe(200);
    const wrapper = first.getObject();
    expect(wrapper).toBeInstanceOf(ZOHOCRMSDK.EmailRelatedRecords.ResponseWrapper);
    const emails = wrapper.getEmails();
    expect(emails).toHaveLength(10);
    expect(emails[0].getMessageId()).toMatch(/^[0-9a-f]{64}$/);
    expect(emails[0].getOwner().getId()).toBeTruthy();
    const info = wrapper.getInfo();
    expect(info.getMoreRecords()).toBe(true);

    const params = new ZOHOCRMSDK.ParameterMap();
    await params.add(ZOHOCRMSDK.EmailRelatedRecords.GetEmailsRelatedRecordsParam.INDEX, info.getNextIndex());
    const second = await ops.getEmailsRelatedRecords(params);
    const secondIds = second
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
    const stats = (await emu.admin('GET', '/__emulator/stats')).body;
    expect(stats.tokenGrants).toBe(1);
    expect(stats.requests['GET /crm/v8/users']).toBe(1);
    expect(store.tokens[0].getAccessToken()).toMatch(/^1000\./);
  });
});
