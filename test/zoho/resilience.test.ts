/**
 * The concurrency budget, 429 backoff and retries, against the emulator's limits and faults.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  associateEmail,
  emailAvailable,
  getContactDeals,
  getOrg,
  linkEmails,
  listEmails,
  unlinkEmails,
  type ZohoCallEvent,
  type ZohoClient,
  type ZohoRateLimitedEvent,
} from '../../src/zoho/index.ts';
import type { ZohoAssociateEmail, ZohoDeal } from '../../src/wire/index.ts';
import { ARTICLE, serviceClient, startTestEmulator, type TestEmulator } from './support.ts';

let t: TestEmulator;
let zoho: ZohoClient;
const events: ZohoCallEvent[] = [];

const contact = ARTICLE.contactWithManyEmails;
const EMAILS_ROUTE = 'GET /crm/v8/Contacts/{id}/Emails';
const LINK_ROUTE = 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record';
const UNLINK_ROUTE = 'DELETE /crm/v8/Contacts/{id}/Emails/actions/link_record';
const ASSOCIATE_ROUTE = 'POST /crm/v8/Contacts/{id}/actions/associate_email';
const AVAILABLE_ROUTE = 'GET /crm/v8/actions/email_available';

beforeAll(async () => {
  t = await startTestEmulator();
  zoho = serviceClient(t.url, { timeoutMs: 1_000 }, { hooks: { onCall: (e) => events.push(e) } });
  await getOrg(zoho);
});
afterAll(async () => {
  zoho.close();
  await t.close();
});
beforeEach(async () => {
  await t.admin.clearFaults();
  await t.admin.config({ latencyMs: 0, jitterMs: 0, concurrencyLimit: null });
  await t.admin.resetStats();
  events.length = 0;
});

const page = () => listEmails(zoho, { module: 'Contacts', recordId: contact });

describe('the concurrency budget', () => {
  it("never exceeds Zoho's limit when ours equals it, and nothing is rejected", async () => {
    await t.admin.config({ concurrencyLimit: 4, latencyMs: 15 });
    const client = serviceClient(t.url, { concurrency: 4 });
    await getOrg(client);
    await t.admin.resetStats();
    const pages = await Promise.all(
      Array.from({ length: 40 }, () => listEmails(client, { module: 'Contacts', recordId: contact })),
    );
    expect(pages).toHaveLength(40);
    const stats = await t.admin.stats();
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(stats.maxInFlight).toBe(4);
    expect(stats.rejected).toEqual({});
    expect(client.budget.snapshot()).toMatchObject({ limit: 4, maxInFlight: 4, inFlight: 0, queued: 0 });
    client.close();
  });

  it("absorbs the 429s when Zoho's limit is below ours, and every call succeeds", async () => {
    await t.admin.config({ concurrencyLimit: 2, latencyMs: 10 });
    const limited: ZohoRateLimitedEvent[] = [];
    const client = serviceClient(
      t.url,
      { concurrency: 8, retry: { maxAttempts: 40, initialDelayMs: 5, maxDelayMs: 60, maxTotalMs: 15_000 } },
      { hooks: { onRateLimited: (e) => limited.push(e) } },
    );
    await getOrg(client);
    await t.admin.resetStats();
    const pages = await Promise.all(
      Array.from({ length: 30 }, () => listEmails(client, { module: 'Contacts', recordId: contact })),
    );
    expect(pages.every((p) => p.emails.length === 10)).toBe(true);
    const stats = await t.admin.stats();
    expect(stats.rejected['429']).toBeGreaterThan(0);
    expect(limited.length).toBe(stats.rejected['429']);
    expect(limited.every((e) => e.willRetry)).toBe(true);
    client.close();
  });
});

describe('retries', () => {
  it('retries a GET after 500s, and gives up after the bounded attempts', async () => {
    await t.admin.fault({ route: EMAILS_ROUTE, status: 500, count: 2 });
    expect((await page()).emails).toHaveLength(10);
    expect(events.map((e) => [e.status, e.attempt])).toEqual([
      [500, 1],
      [500, 2],
      [200, 3],
    ]);

    await t.admin.fault({ route: EMAILS_ROUTE, status: 503, count: 10 });
    const e = await page().catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'unavailable', status: 503, attempts: 4 });
  });

  it('retries a GET after a timeout and after a reset', async () => {
    await t.admin.fault({ route: EMAILS_ROUTE, mode: 'timeout', count: 1 });
    expect((await page()).emails).toHaveLength(10);
    expect(events[0]).toMatchObject({ status: null, errorCode: 'TIMEOUT', attempt: 1 });

    events.length = 0;
    await t.admin.fault({ route: EMAILS_ROUTE, mode: 'reset', count: 1 });
    expect((await page()).emails).toHaveLength(10);
    expect(events[0]).toMatchObject({ status: null, errorCode: 'NETWORK_ERROR' });
  });

  it('retries link after a 500, a timeout and a reset: link is idempotent in effect', async () => {
    const emails = (await page()).emails.slice(0, 2);
    const [deal] = await getContactDeals<ZohoDeal>(zoho, contact, ['Deal_Name']);
    const items = emails.map((e) => ({
      message_id: e.message_id!,
      owner: { id: e.owner.id!, name: e.owner.name ?? '' },
      linked_record: {
        id: deal!.id,
        name: deal!.Deal_Name ?? '',
        module: { api_name: 'Deals' as const, id: ARTICLE.dealsModuleId },
      },
    }));
    for (const fault of [
      { status: 500 },
      { mode: 'timeout' as const },
      { mode: 'reset' as const },
      { status: 500, phase: 'after' as const },
    ]) {
      await t.admin.fault({ route: LINK_ROUTE, count: 1, ...fault });
      const out = await linkEmails(zoho, contact, items);
      expect(out.every((o) => o.kind === 'applied')).toBe(true);
    }
    expect((await t.admin.stats()).requests[LINK_ROUTE]).toBe(8);
  });

  it('retries unlink after a 500, a timeout and a reset', async () => {
    const ids = [...ARTICLE.emailsOfSecondContact];
    for (const fault of [{ status: 500 }, { mode: 'timeout' as const }, { mode: 'reset' as const }]) {
      await t.admin.fault({ route: UNLINK_ROUTE, count: 1, ...fault });
      const out = await unlinkEmails(zoho, ARTICLE.contactOfMultiLink, ARTICLE.userPatriciaBoyle, ids);
      expect(out.every((o) => o.kind === 'applied')).toBe(true);
    }
    expect((await t.admin.stats()).requests[UNLINK_ROUTE]).toBe(6);
  });

  it('never retries a POST it cannot prove idempotent', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, status: 500, count: 1 });
    const e = await zoho
      .request({
        method: 'POST',
        route: '/Contacts/{id}/actions/associate_email',
        params: { id: contact },
        body: { Emails: [newEmail('no-retry')] },
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 500, attempts: 1 });
    expect((await t.admin.stats()).requests[ASSOCIATE_ROUTE]).toBe(1);
  });
});

let seq = 0;
function newEmail(tag: string): ZohoAssociateEmail {
  seq++;
  return {
    from: { user_name: 'Ann Client', email: 'ann@client.example' },
    to: [{ user_name: 'Patricia Boyle', email: 'patricia.boyle@zylkertravel.com' }],
    subject: `Re: travel plans ${tag} ${seq}`,
    content: '<p>Hello</p>',
    mail_format: 'html',
    date_time: '2026-01-10T10:00:00-05:00',
    sent: false,
    original_message_id: `<${tag}.${seq}.${Date.now()}@client.example>`,
  } as ZohoAssociateEmail;
}

describe('associate is never blindly retried', () => {
  it('files an email and returns its Zoho message id', async () => {
    const r = await associateEmail(zoho, 'Contacts', contact, newEmail('plain'));
    expect(r).toMatchObject({ kind: 'filed', alreadyExisted: false, resolvedBy: 'response' });
    expect(r.kind === 'filed' && r.messageId).toMatch(/^[a-zA-Z0-9]+$/);
  });

  it('resolves an after-phase 500 through email_available, without sending it twice', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, status: 500, phase: 'after', count: 1 });
    const email = newEmail('after');
    const r = await associateEmail(zoho, 'Contacts', contact, email);
    expect(r).toMatchObject({ kind: 'filed', alreadyExisted: false, resolvedBy: 'email_available' });
    const stats = await t.admin.stats();
    expect(stats.requests[ASSOCIATE_ROUTE]).toBe(1);
    expect(stats.requests[AVAILABLE_ROUTE]).toBe(1);
    expect(await emailAvailable(zoho, email.original_message_id)).toMatchObject({ available: true });
  });

  it('resolves an after-phase timeout the same way', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, mode: 'timeout', phase: 'after', count: 1 });
    const r = await associateEmail(zoho, 'Contacts', contact, newEmail('after-timeout'));
    expect(r).toMatchObject({ kind: 'filed', resolvedBy: 'email_available' });
    expect((await t.admin.stats()).requests[ASSOCIATE_ROUTE]).toBe(1);
  });

  it('re-sends only after email_available proves a before-phase failure applied nothing', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, mode: 'reset', count: 1 });
    const r = await associateEmail(zoho, 'Contacts', contact, newEmail('before'));
    expect(r).toMatchObject({ kind: 'filed', alreadyExisted: false, resolvedBy: 'response' });
    const stats = await t.admin.stats();
    expect(stats.requests[ASSOCIATE_ROUTE]).toBe(2);
    expect(stats.requests[AVAILABLE_ROUTE]).toBe(1);
  });

  it('gives up after one verified re-send, and says nothing was filed once Zoho shows it is not there', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, status: 500, count: 5 });
    const r = await associateEmail(zoho, 'Contacts', contact, newEmail('down'));
    expect(r).toMatchObject({ kind: 'refused', error: { status: 500 } });
    const stats = await t.admin.stats();
    expect(stats.requests[ASSOCIATE_ROUTE]).toBe(2);
    expect(stats.requests[AVAILABLE_ROUTE]).toBe(2);
  });

  it('cannot tell when the answer is lost and asking Zoho fails too: unclear, never refused', async () => {
    await t.admin.fault({ route: ASSOCIATE_ROUTE, status: 500, phase: 'after', count: 1 });
    await t.admin.fault({ route: AVAILABLE_ROUTE, status: 500, count: 50 });
    const r = await associateEmail(zoho, 'Contacts', contact, newEmail('unclear'));
    expect(r).toMatchObject({ kind: 'unclear', error: { status: 500 } });
    expect((await t.admin.stats()).requests[ASSOCIATE_ROUTE]).toBe(1);
  });

  it('resolves DUPLICATE_DATA as an email that already existed', async () => {
    const email = newEmail('dup');
    const first = await associateEmail(zoho, 'Contacts', contact, email);
    const second = await associateEmail(zoho, 'Contacts', contact, email);
    expect(second).toMatchObject({ kind: 'filed', alreadyExisted: true, resolvedBy: 'duplicate' });
    if (first.kind === 'filed' && second.kind === 'filed' && second.messageId !== null) {
      expect(second.messageId).toBe(first.messageId);
    }
  });

  it("reports associate's flat per-item error", async () => {
    const { from: _from, ...noFrom } = newEmail('bad');
    const r = await associateEmail(zoho, 'Contacts', contact, noFrom as ZohoAssociateEmail);
    expect(r).toMatchObject({
      kind: 'refused',
      error: { status: 400, code: 'MANDATORY_NOT_FOUND', details: { api_name: 'from', json_path: '$.Emails[0].from' } },
    });
  });
});
