/**
 * Reads shared between requests with the same credentials, against the emulator over HTTP,
 * counting its calls: identical GETs in flight make one call; a short cache answers from memory;
 * the gateway's own writes invalidate what they touch; read-backs never share; pass-through
 * callers never share with each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEmail, linkEmails, listEmails, type ZohoClient } from '../../src/zoho/index.ts';
import { ARTICLE, serviceClient, startTestEmulator, type TestEmulator } from './support.ts';
import { contactsWithEmails } from '../support/fixtures.ts';
import { createZohoClient } from '../../src/zoho/index.ts';

let emu: TestEmulator;
const PAGE = 'GET /crm/v8/Contacts/{id}/Emails';
const ONE = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';
const clients: ZohoClient[] = [];
const client = (reads: { dedup: boolean; cacheMs: number }) => {
  const c = serviceClient(emu.url, {}, { reads });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 30 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await emu?.close();
});

async function calls(route: string): Promise<number> {
  return (await emu.admin.stats()).requests[route] ?? 0;
}

describe('in flight', () => {
  it('twenty identical reads at once make one call, and each gets the answer', async () => {
    const c = client({ dedup: true, cacheMs: 0 });
    await c.getOrgId();
    await emu.admin.resetStats();
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => listEmails(c, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails })),
    );
    expect(await calls(PAGE)).toBe(1);
    for (const p of pages) expect(p.emails.length).toBe(pages[0]!.emails.length);
  });

  it('turned off, each read is its own call', async () => {
    const c = client({ dedup: false, cacheMs: 0 });
    await c.getOrgId();
    await emu.admin.resetStats();
    await Promise.all(
      Array.from({ length: 5 }, () => listEmails(c, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails })),
    );
    expect(await calls(PAGE)).toBe(5);
  });

  it('a read-back neither takes a cached answer nor joins another read: each is its own call', async () => {
    const c = client({ dedup: true, cacheMs: 60_000 });
    const { contactId, emails } = contactsWithEmails(emu.emu, { minEmails: 1, count: 1 })[0]!;
    const email = emails[0];
    await getEmail(c, { module: 'Contacts', recordId: contactId, messageId: email!.messageId });
    await emu.admin.resetStats();
    await getEmail(c, { module: 'Contacts', recordId: contactId, messageId: email!.messageId, fresh: true });
    await getEmail(c, { module: 'Contacts', recordId: contactId, messageId: email!.messageId, fresh: true });
    expect(await calls(ONE)).toBe(2);
  });
});

describe('the read cache', () => {
  it('answers identical reads from memory while it lasts', async () => {
    const c = client({ dedup: true, cacheMs: 60_000 });
    await c.getOrgId();
    await emu.admin.resetStats();
    for (let i = 0; i < 5; i++) await listEmails(c, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails });
    expect(await calls(PAGE)).toBe(1);
  });

  it("forgets a contact's emails when the gateway writes a link of that contact", async () => {
    const c = client({ dedup: true, cacheMs: 60_000 });
    const fx = contactsWithEmails(emu.emu, { minEmails: 2, count: 1 })[0]!;
    const email = fx.emails[0]!;
    await listEmails(c, { module: 'Contacts', recordId: fx.contactId });
    await emu.admin.resetStats();
    await listEmails(c, { module: 'Contacts', recordId: fx.contactId });
    expect(await calls(PAGE)).toBe(0);
    const moduleId = (
      await c.request<{ modules: Array<{ api_name: string; id: string }> }>({
        method: 'GET',
        route: '/settings/modules',
      })
    ).data!.modules.find((m) => m.api_name === 'Deals')!.id;
    await linkEmails(c, fx.contactId, [
      {
        message_id: email.messageId,
        owner: { id: email.ownerId },
        linked_record: { module: { api_name: 'Deals', id: moduleId }, id: fx.relatedDealIds[0]!, name: 'x' },
      },
    ]);
    const after = await listEmails(c, { module: 'Contacts', recordId: fx.contactId });
    expect(await calls(PAGE)).toBe(1);
    expect(after.emails.find((e) => e.message_id === email.messageId)?.linked_record?.id).toBe(fx.relatedDealIds[0]);
  });
});

describe('pass-through callers', () => {
  it('never share a read, even an identical one at the same moment', async () => {
    const c = createZohoClient(
      { apiBaseUrl: emu.url, authMode: 'passthrough', timeoutMs: 2_000 },
      { reads: { dedup: true, cacheMs: 60_000 } },
    );
    clients.push(c);
    // Two tokens of the demo user, and one of another org's user: three callers.
    const [a, a2, b] = [await emu.admin.token(), await emu.admin.token(), await emu.admin.token({ org: 'second' })];
    await emu.admin.resetStats();
    const ca = c.forCaller(`Zoho-oauthtoken ${a.access_token}`);
    const ca2 = c.forCaller(`Zoho-oauthtoken ${a2.access_token}`);
    const cb = c.forCaller(`Zoho-oauthtoken ${b.access_token}`);
    await Promise.all([
      ca.request({ method: 'GET', route: '/org' }),
      ca2.request({ method: 'GET', route: '/org' }),
      cb.request({ method: 'GET', route: '/org' }),
    ]);
    expect(await calls('GET /crm/v8/org')).toBe(3);
  });
});
