/**
 * The API modules against the emulator over real HTTP: what each returns, and every error shape
 * Zoho answers with, as the client reports it.
 */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ZohoError,
  chunkLinkItems,
  createZohoClient,
  getContactDeals,
  getEmail,
  getFields,
  getModules,
  getOrg,
  getRecord,
  getRecords,
  getUser,
  linkEmails,
  listEmails,
  unlinkEmails,
  type ZohoClient,
} from '../../src/zoho/index.ts';
import type { ZohoDeal, ZohoEmail, ZohoLinkItem } from '../../src/wire/index.ts';
import { DEMO_SECOND_USER_ID } from '../../src/emulator/index.ts';
import { ARTICLE, DEMO_CREDENTIALS, FAST, serviceClient, startTestEmulator, type TestEmulator } from './support.ts';

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
beforeEach(async () => {
  await t.admin.reset();
  await t.admin.config({ batchMode: 'partial', relinkMode: 'replace' });
});

const contact = ARTICLE.contactWithManyEmails;

async function allEmails(contactId: string): Promise<ZohoEmail[]> {
  const out: ZohoEmail[] = [];
  let index: string | undefined;
  for (;;) {
    const page = await listEmails(zoho, { module: 'Contacts', recordId: contactId, ...(index ? { index } : {}) });
    out.push(...page.emails);
    if (!page.info?.more_records || !page.info.next_index) return out;
    index = page.info.next_index;
  }
}

function linkItem(e: ZohoEmail, deal: ZohoDeal): ZohoLinkItem {
  return {
    message_id: e.message_id!,
    owner: { id: e.owner.id!, name: e.owner.name ?? '' },
    linked_record: {
      id: deal.id,
      name: deal.Deal_Name ?? '',
      module: { api_name: 'Deals', id: ARTICLE.dealsModuleId },
    },
  };
}

describe('reading', () => {
  it('reads the org, a user, modules and the Stage field', async () => {
    expect((await getOrg(zoho)).id).toBe(DEMO_CREDENTIALS.orgId);
    expect(await zoho.getOrgId()).toBe(DEMO_CREDENTIALS.orgId);
    expect((await getUser(zoho, ARTICLE.userPatriciaBoyle))?.full_name).toBe('Patricia Boyle');
    const modules = await getModules(zoho);
    expect(modules.find((m) => m.api_name === 'Deals')?.id).toBe(ARTICLE.dealsModuleId);
    const fields = await getFields(zoho, 'Deals');
    const stage = fields.find((f) => f.api_name === 'Stage');
    const forecastTypes = new Set(
      (stage?.pick_list_values ?? []).map((v) => (v as { forecast_type?: string }).forecast_type),
    );
    expect([...forecastTypes].sort()).toEqual(['Closed Lost', 'Closed Won', 'Open']);
  });

  it('reads deals by ids, one deal, and a contact’s deals', async () => {
    const deals = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name', 'Stage']);
    expect(deals.length).toBeGreaterThanOrEqual(2);
    const byIds = await getRecords<ZohoDeal>(
      zoho,
      'Deals',
      deals.map((d) => d.id),
      ['Deal_Name', 'Stage'],
    );
    expect(byIds.map((d) => d.id).sort()).toEqual(deals.map((d) => d.id).sort());
    const one = await getRecord<ZohoDeal>(zoho, 'Deals', ARTICLE.dealTravelInsurance);
    expect(one?.Deal_Name).toBe('Travel Insurance');
  });

  it('survives a metrics hook that throws', async () => {
    const noisy = serviceClient(
      t.url,
      {},
      {
        hooks: {
          onCall: () => {
            throw new Error('metrics down');
          },
        },
      },
    );
    expect((await getOrg(noisy)).id).toBe(DEMO_CREDENTIALS.orgId);
    noisy.close();
  });

  it('answers [] and null for 204s, never an error', async () => {
    expect(await getRecords(zoho, 'Deals', ['5843104999999999999'], ['Deal_Name'])).toEqual([]);
    expect(await getRecord(zoho, 'Deals', '5843104999999999999')).toBeNull();
    expect(await getUser(zoho, '5843104999999999999')).toBeNull();
  });

  it('pages a contact’s emails through the index cursor, 10 at a time', async () => {
    const first = await listEmails(zoho, { module: 'Contacts', recordId: contact });
    expect(first.emails).toHaveLength(10);
    expect(first.info?.more_records).toBe(true);
    const all = await allEmails(contact);
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(new Set(all.map((e) => e.message_id)).size).toBe(all.length);
  });

  it('reads one email with its content', async () => {
    const e = await getEmail(zoho, {
      module: 'Contacts',
      recordId: contact,
      messageId: ARTICLE.emailOfFirstContact,
      ownerId: ARTICLE.userPatriciaBoyle,
    });
    expect(e?.message_id).toBe(ARTICLE.emailOfFirstContact);
    expect(typeof e?.content).toBe('string');
    expect(e?.sent_time).toBeTruthy();
  });
});

describe('linking and unlinking', () => {
  it('links 45 emails in 3 calls, one outcome per item, all succeeded', async () => {
    const emails = (await allEmails(contact)).slice(0, 45);
    const [deal] = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name']);
    await t.admin.resetStats();
    const outcomes = [];
    for (const chunk of chunkLinkItems(emails.map((e) => linkItem(e, deal!))))
      outcomes.push(...(await linkEmails(zoho, contact, chunk)));
    expect(outcomes).toHaveLength(45);
    expect(outcomes.every((o) => o.kind === 'applied')).toBe(true);
    expect(outcomes.map((o) => o.messageId)).toEqual(emails.map((e) => e.message_id));
    const stats = await t.admin.stats();
    expect(stats.requests['POST /crm/v8/Contacts/{id}/Emails/actions/link_record']).toBe(3);
  });

  it('reports a mixed batch (207) item by item, in input order', async () => {
    const emails = (await allEmails(contact)).slice(0, 3);
    const [deal] = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name']);
    const items = emails.map((e) => linkItem(e, deal!));
    items[1] = { ...items[1]!, message_id: 'ffffffffffffffffffffffffffffffff' };
    const out = await linkEmails(zoho, contact, items);
    expect(out.map((o) => o.kind)).toEqual(['applied', 'refused', 'applied']);
    expect(out[1]).toMatchObject({
      kind: 'refused',
      collateral: false,
      messageId: 'ffffffffffffffffffffffffffffffff',
      error: { kind: 'item', code: 'INVALID_DATA', status: 207, details: { api_name: 'message_id' } },
    });
  });

  it('reports an all-bad batch (400, array of arrays) by json_path', async () => {
    const [e] = await allEmails(contact);
    const [deal] = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name']);
    const good = linkItem(e!, deal!);
    const items = [
      {
        ...good,
        owner: {
          id: ARTICLE.userPatriciaBoyle === e!.owner.id ? '5843104000000424688' : ARTICLE.userPatriciaBoyle,
          name: 'x',
        },
      },
      { ...good, message_id: 'abc0', linked_record: { ...good.linked_record, id: '5843104999999999999' } },
    ];
    const out = await linkEmails(zoho, contact, items);
    expect(out[0]).toMatchObject({
      kind: 'refused',
      error: { code: 'INVALID_DATA', status: 400, details: { api_name: 'owner.id' } },
    });
    expect(out[1]).toMatchObject({ kind: 'refused', error: { code: 'INVALID_DATA', status: 400 } });
  });

  it('in atomic mode, refuses the bad item and marks the good ones as never tried, never a false success', async () => {
    await t.admin.config({ batchMode: 'atomic' });
    const emails = (await allEmails(contact)).slice(0, 3);
    const [deal] = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name']);
    const items = emails.map((e) => linkItem(e, deal!));
    items[2] = { ...items[2]!, message_id: 'ffff0000' };
    const out = await linkEmails(zoho, contact, items);
    expect(out[2]).toMatchObject({ kind: 'refused', collateral: false, error: { code: 'INVALID_DATA' } });
    // Zoho's 400 lists only the bad item; the good ones were not applied: safe to send again.
    for (const o of out.slice(0, 2)) expect(o).toMatchObject({ kind: 'refused', collateral: true });
    for (const e of emails.slice(0, 2))
      expect(t.emu.store.getEmail(DEMO_CREDENTIALS.orgId, e.message_id!)!.linked_deal_id).toBe(
        e.linked_record?.id ?? null,
      );
  });

  it('unlinks, and unlinking again still succeeds', async () => {
    const [a, b] = ARTICLE.emailsOfSecondContact;
    const first = await unlinkEmails(zoho, ARTICLE.contactOfMultiLink, ARTICLE.userPatriciaBoyle, [a, b]);
    expect(first.every((o) => o.kind === 'applied')).toBe(true);
    const again = await unlinkEmails(zoho, ARTICLE.contactOfMultiLink, ARTICLE.userPatriciaBoyle, [a, b]);
    expect(again.map((o) => o.messageId)).toEqual([a, b]);
    expect(again.every((o) => o.kind === 'applied')).toBe(true);
  });

  it('reports an unknown email in an unlink by its message_ids index', async () => {
    const [a] = ARTICLE.emailsOfSecondContact;
    const out = await unlinkEmails(zoho, ARTICLE.contactOfMultiLink, ARTICLE.userPatriciaBoyle, ['ffff0000', a]);
    expect(out[0]).toMatchObject({ kind: 'refused', messageId: 'ffff0000', error: { code: 'INVALID_DATA' } });
    expect(out[1]).toEqual({ kind: 'applied', messageId: a, unansweredAt: null });
  });

  it('refuses more than the limits before sending anything', async () => {
    const items = Array.from({ length: 21 }, (_, i) => ({
      message_id: `m${i}`,
      owner: { id: ARTICLE.userPatriciaBoyle },
      linked_record: {
        id: ARTICLE.dealTravelInsurance,
        module: { api_name: 'Deals' as const, id: ARTICLE.dealsModuleId },
      },
    }));
    await expect(linkEmails(zoho, contact, items)).rejects.toThrow(RangeError);
    await expect(
      getRecords(
        zoho,
        'Deals',
        Array.from({ length: 101 }, (_, i) => String(1000 + i)),
        ['Deal_Name'],
      ),
    ).rejects.toThrow(RangeError);
  });
});

describe('every error shape, from the real emulator', () => {
  it('the single envelope: REQUIRED_PARAM_MISSING without fields', async () => {
    const e = await zoho.request({ method: 'GET', route: '/Deals' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZohoError);
    expect(e).toMatchObject({
      kind: 'rejected',
      phase: 'answered',
      status: 400,
      code: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'fields' },
      call: { method: 'GET', route: '/crm/v8/Deals' },
      fromZoho: true,
    });
  });

  it('404 INVALID_URL_PATTERN for a malformed path', async () => {
    const e = await zoho
      .request({ method: 'GET', route: '/Contacts/{id}/Nope/{x}', params: { id: contact, x: 'y' } })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'rejected', status: 404, code: 'INVALID_URL_PATTERN', attempts: 1 });
  });

  it('400 INVALID_DATA for the emails of an unknown contact', async () => {
    const e = await listEmails(zoho, { module: 'Contacts', recordId: '5843104999999999999' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 400, code: 'INVALID_DATA' });
  });

  it('a top-level error of a link call applies to every item', async () => {
    const e = await zoho
      .request({
        method: 'POST',
        route: '/Contacts/{id}/Emails/actions/link_record',
        params: { id: contact },
        body: { Emails: [] },
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 400, code: 'MANDATORY_NOT_FOUND' });
  });

  it('401 INVALID_TOKEN with a token Zoho does not know, not retried', async () => {
    const bad = createZohoClient({ apiBaseUrl: t.url, accessToken: '1000.nottoken', ...FAST });
    await t.admin.resetStats();
    const e = await getOrg(bad).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'auth', status: 401, code: 'INVALID_TOKEN', attempts: 1 });
    expect((await t.admin.stats()).requests['GET /crm/v8/org']).toBe(1);
    bad.close();
  });

  it('403 NO_PERMISSION when a user reads mail that is not theirs', async () => {
    const { access_token } = await t.admin.token({ user: DEMO_SECOND_USER_ID });
    const other = createZohoClient({ apiBaseUrl: t.url, accessToken: access_token, ...FAST });
    const e = await getEmail(other, {
      module: 'Contacts',
      recordId: contact,
      messageId: ARTICLE.emailOfFirstContact,
      ownerId: ARTICLE.userPatriciaBoyle,
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'forbidden', status: 403, code: 'NO_PERMISSION', attempts: 1 });
    other.close();
  });

  it("429 with the day's credits gone: reported, with the credits figure, and not retried", async () => {
    await t.admin.config({ dailyCredits: 6 });
    try {
      const c = serviceClient(t.url);
      await getOrg(c);
      expect(c.creditsRemaining()).toBeNull();
      for (let i = 0; i < 4; i++) await getOrg(c);
      expect(c.creditsRemaining()).toBe(1);
      await getOrg(c);
      // (Resetting the emulator's stats would also refill its credits: count from here instead.)
      const before = (await t.admin.stats()).requests['GET /crm/v8/org']!;
      const e = await getOrg(c).catch((x: unknown) => x);
      expect(e).toMatchObject({
        kind: 'credits_exhausted',
        status: 429,
        code: 'TOO_MANY_REQUESTS',
        details: { creditsRemaining: 0 },
        attempts: 1,
      });
      expect((await t.admin.stats()).requests['GET /crm/v8/org']).toBe(before + 1);
      c.close();
    } finally {
      await t.admin.config({ dailyCredits: null });
    }
  });

  it('a network failure when nothing listens', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const down = createZohoClient({
      apiBaseUrl: `http://127.0.0.1:${port}`,
      accessToken: 'x',
      ...FAST,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxTotalMs: 1000 },
    });
    const e = await getOrg(down).catch((x: unknown) => x);
    // Refused before anything was sent: nothing can have been applied, so any call may be retried.
    expect(e).toMatchObject({
      kind: 'network',
      phase: 'not_sent',
      code: 'NETWORK_ERROR',
      status: null,
      details: { cause: 'ECONNREFUSED' },
      attempts: 2,
    });
    down.close();
  });

  it("a proxy's non-JSON error page", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const proxied = createZohoClient({
      apiBaseUrl: `http://127.0.0.1:${port}`,
      accessToken: 'x',
      ...FAST,
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2, maxTotalMs: 1000 },
    });
    const e = await getOrg(proxied).catch((x: unknown) => x);
    expect(e).toMatchObject({
      kind: 'unavailable',
      phase: 'answered',
      status: 502,
      code: 'HTTP_502',
      attempts: 2,
      fromZoho: false,
    });
    expect((e as ZohoError).details.bodySnippet).toContain('Bad Gateway');
    proxied.close();
    await new Promise((r) => server.close(r));
  });
});
