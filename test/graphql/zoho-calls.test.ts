/**
 * What an operation may cost in Zoho calls, over real HTTP against the emulator: refused before
 * any call when its estimate is over the limit, stopped at the limit while it runs (never a
 * restore), reported in `extensions.zohoCalls`, fair to the requests beside it, and within a
 * caller's quota. Counting calls, never timing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { contactsWithEmails, linkedDealOf, type ContactFixture } from '../support/fixtures.ts';
import { encodeEmailId } from '../../src/domain/ids.ts';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { CallerQuota } from '../../src/services/caller-quota.ts';
import { createInMemoryBudget } from '../../src/zoho/index.ts';

const total = (s: Stack) => Object.values(s.allCalls()).reduce((n, v) => n + v, 0);

const ENTITIES = /* GraphQL */ `
  query Entities($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Email {
        subject
      }
    }
  }
`;
const SMALL = /* GraphQL */ `
  query Small($id: ID!) {
    contact(id: $id) {
      emails(first: 10) {
        nodes {
          subject
        }
      }
    }
  }
`;

describe('limits on the Zoho calls of one operation', () => {
  let stack: Stack;
  let contacts: ContactFixture[];
  beforeAll(async () => {
    stack = await startStack({ gateway: { limits: { maxZohoCalls: 2_000, maxEntities: 500 } } });
    contacts = contactsWithEmails(stack.emulator, { minEmails: 3, count: 20 });
  });
  afterAll(() => stack?.close());

  it('every answer says what it cost: the estimate, the calls made, and the limit', async () => {
    stack.resetStats();
    const res = await stack.gql(SMALL, { id: contacts[0]!.contactId });
    expect(res.errors).toBeUndefined();
    const cost = res.extensions!.zohoCalls!;
    expect(cost.limit).toBe(2_000);
    expect(cost.actual).toBe(total(stack));
    expect(cost.actual).toBeLessThanOrEqual(cost.estimated!);
    // Only the emails are asked for: their first page is the one call, and says whether the contact exists.
    expect(cost.estimated).toBe(1);
    expect(cost.actual).toBe(1);
  });

  it('1,000 Email references in one _entities request: TOO_MANY_ENTITIES, before any Zoho call', async () => {
    stack.resetStats();
    const r = Array.from({ length: 1000 }, (_, i) => ({
      __typename: 'Email',
      id: encodeEmailId({ module: 'Contacts', recordId: contacts[0]!.contactId }, `m${i}x`),
    }));
    const res = await stack.gql(ENTITIES, { r });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ENTITIES', entities: 1000, limit: 500 });
    expect(total(stack)).toBe(0);
  });

  it('20 contacts × 100 email bodies: TOO_MANY_ZOHO_CALLS with the estimate and the limit, before any Zoho call', async () => {
    stack.resetStats();
    const res = await stack.gql(
      `query($ids: [ID!]!) { contacts(ids: $ids) { emails(first: 100) { nodes { content } } } }`,
      { ids: contacts.map((c) => c.contactId) },
    );
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'TOO_MANY_ZOHO_CALLS',
      zohoCalls: { estimated: 20 * 110, limit: 2_000 },
    });
    expect(total(stack)).toBe(0);
  });

  it('the same read for 5 contacts runs, and makes no more calls than its estimate', async () => {
    stack.resetStats();
    const res = await stack.gql(
      `query($ids: [ID!]!) { contacts(ids: $ids) { emails(first: 100) { nodes { content } } } }`,
      { ids: contacts.slice(0, 5).map((c) => c.contactId) },
    );
    expect(res.errors).toBeUndefined();
    const cost = res.extensions!.zohoCalls!;
    expect(cost.estimated).toBe(5 * 110);
    expect(cost.actual).toBe(total(stack));
    expect(cost.actual).toBeLessThanOrEqual(cost.estimated!);
  });
});

describe('the limit while an operation runs', () => {
  let stack: Stack;
  let c: ContactFixture;
  beforeAll(async () => {
    // Just above a 20-email move's plan (1 deal read, 20 reads, 1 link call): where Zoho refuses
    // relinks, the move's unlink fits in it, and its second link does not.
    stack = await startStack({ gateway: { limits: { maxZohoCalls: 23 } }, emulator: { relinkMode: 'reject' } });
    c = contactsWithEmails(stack.emulator, { minEmails: 60, count: 1 })[0]!;
  });
  afterAll(() => stack?.close());

  it('stops the work past it with CALL_LIMIT_REACHED, and still restores every email it had unlinked', async () => {
    const [from, to] = c.relatedDealIds as [string, string];
    // Twenty emails of one mailbox: one unlink call for them all (unlinks go per owner).
    const owner = c.emails[0]!.ownerId;
    const emails = c.emails
      .filter((e) => e.ownerId === owner)
      .slice(0, 20)
      .map((e) => ({ contactId: c.contactId, messageId: e.messageId }));
    expect(emails).toHaveLength(20);
    for (const e of emails) stack.emulator.store.setEmailLink(DEMO_CREDENTIALS.orgId, e.messageId, from);
    // The org's metadata (the Deals module id) is read once and cached: read it now, so that the
    // count below is the move's own.
    await stack.gql(`mutation($i: LinkEmailsToDealInput!) { linkEmailsToDeal(input: $i) { succeededCount } }`, {
      i: { dealId: from, emails: emails.slice(0, 1) },
    });
    stack.resetStats();
    const res = await stack.gql(
      `mutation($i: MoveEmailsToDealInput!) { moveEmailsToDeal(input: $i) { succeededCount failedCount unknownCount
         results { status restored previousDealId error { code } } } }`,
      { i: { dealId: to, emails } },
    );
    expect(res.errors).toBeUndefined();
    const p = res.data.moveEmailsToDeal;
    expect(p.failedCount).toBe(20);
    for (const r of p.results) {
      expect(r).toMatchObject({
        status: 'FAILED',
        restored: true,
        previousDealId: from,
        error: { code: 'CALL_LIMIT_REACHED' },
      });
    }
    // Nothing was lost: every email is back on its deal, and the restores were not held back.
    for (const e of emails) expect(linkedDealOf(stack.emulator, e.messageId)).toBe(from);
    const cost = res.extensions!.zohoCalls!;
    expect(cost.estimated).toBe(22);
    expect(cost.actual).toBe(total(stack));
    expect(cost.actual).toBeGreaterThan(23);
  });
});

describe('a fair share of the budget', () => {
  let stack: Stack;
  let contacts: ContactFixture[];
  beforeAll(async () => {
    stack = await startStack({
      emulator: { concurrencyLimit: 10, latencyMs: 50 },
      client: { budget: createInMemoryBudget(10, 10, 0.8) },
    });
    contacts = contactsWithEmails(stack.emulator, { minEmails: 5, count: 120 });
  });
  afterAll(() => stack?.close());

  it("a small query's calls go out within a round of the queue while a 500-call request is queued", async () => {
    const r = contacts
      .flatMap((c) => c.emails.map((e) => ({ contactId: c.contactId, messageId: e.messageId })))
      .slice(0, 500)
      .map((e) => ({
        __typename: 'Email',
        id: encodeEmailId({ module: 'Contacts', recordId: e.contactId }, e.messageId),
      }));
    expect(r).toHaveLength(500);
    stack.resetStats();
    const big = stack.gql(ENTITIES, { r });
    while (total(stack) < 50) await new Promise((res) => setTimeout(res, 5));
    const before = total(stack);
    const small = await stack.gql(SMALL, { id: contacts[0]!.contactId });
    const during = total(stack) - before;
    expect(small.errors).toBeUndefined();
    // First come, first served, the small query's calls would have gone out after the 450 queued
    // ahead of them; in turn, only the big request's calls already in flight and a round or two
    // of the queue go out meanwhile.
    expect(during).toBeLessThan(60);
    const done = await big;
    expect(done.errors).toBeUndefined();
    expect(done.data._entities.filter(Boolean)).toHaveLength(500);
  });
});

describe("a caller's quota of Zoho calls per minute", () => {
  let stack: Stack;
  let c: ContactFixture;
  const KEY = 'a-caller-key-0123456789';
  beforeAll(async () => {
    stack = await startStack({ gateway: { auth: { apiKeys: [KEY], jwt: null }, callerQuota: new CallerQuota(9) } });
    c = contactsWithEmails(stack.emulator, { minEmails: 1, count: 1 })[0]!;
  });
  afterAll(() => stack?.close());

  it('runs operations while the quota lasts, then answers 429 QUOTA_EXCEEDED with when to retry', async () => {
    const ask = () => stack.gql(SMALL, { id: c.contactId }, { 'x-api-key': KEY });
    const answers: Array<Awaited<ReturnType<typeof ask>>> = [];
    for (let i = 0; i < 20 && !answers.some((a) => a.errors); i++) answers.push(await ask());
    const ok = answers.filter((a) => !a.errors);
    const refused = answers.filter((a) => a.errors);
    // Each takes its estimate (1: the first page of emails) from the 9: 9 run, the 10th is refused.
    expect(ok.length).toBe(9);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.status).toBe(429);
    expect(refused[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(refused[0]!.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
  });

  it('refuses at once an operation bigger than the whole quota', async () => {
    const res = await stack.gql(
      `{ contact(id: "${c.contactId}") { emails(first: 100) { nodes { subject } } } }`,
      {},
      { 'x-api-key': KEY },
    );
    expect(res.status).toBe(429);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      quota: { perMinute: 9, requested: 10 },
    });
  });
});
