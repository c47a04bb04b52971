/**
 * One typed, normalized result per item, whatever Zoho answers: each way Zoho can answer a link or
 * an unlink, against the emulator and its faults, over real HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_MUTATION, LINK_ROUTE as LINK, UNLINK_MUTATION } from '../support/operations.ts';
import { contactsWithEmails, linkedDealOf, unrelatedDeal, type ContactFixture } from '../support/fixtures.ts';

const GET_EMAIL = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';

let stack: Stack;
let c: ContactFixture;
let dealId: string;
let next = 0;
/** Fresh emails of the fixture contact for each test, so tests do not depend on each other. */
const take = (n: number) => {
  const out = c.emails
    .slice(next, next + n)
    .map((e) => ({ contactId: c.contactId, messageId: e.messageId, ownerId: e.ownerId }));
  next += n;
  if (out.length < n) throw new Error('fixture contact ran out of emails');
  return out;
};
const UNKNOWN_MESSAGE = 'f'.repeat(64);

beforeAll(async () => {
  stack = await startStack({
    zoho: { timeoutMs: 400, retry: { initialDelayMs: 5, maxDelayMs: 20, maxTotalMs: 1_500, maxAttempts: 3 } },
    gateway: { requestDeadlineMs: 1_500 },
  });
  [c] = contactsWithEmails(stack.emulator, { minEmails: 60, count: 1 }) as [ContactFixture];
  dealId = c.relatedDealIds[0]!;
  await stack.gql(`{ deal(id: "${dealId}") { stageCategory } }`);
});
afterAll(() => stack?.close());
afterEach(async () => {
  await stack.emulator.admin('DELETE', '/__emulator/faults');
  await stack.setConfig({ batchMode: 'partial', relinkMode: 'replace' });
  stack.resetStats();
});

async function link(emails: Array<{ contactId: string; messageId: string; ownerId?: string }>, deal = dealId) {
  const res = await stack.gql(LINK_MUTATION, { input: { dealId: deal, emails } });
  expect(res.errors).toBeUndefined();
  return res.data.linkEmailsToDeal as {
    totalCount: number;
    succeededCount: number;
    failedCount: number;
    unknownCount: number;
    results: any[];
  };
}
const fault = async (body: Record<string, unknown>) => {
  const res = await stack.emulator.admin('POST', '/__emulator/faults', body);
  expect(res.status).toBeLessThan(300);
};

describe('Zoho answers, item by item', () => {
  it('200: every item SUCCEEDED, echoed in input order, with the refreshed email', async () => {
    const emails = take(3);
    const p = await link(emails);
    expect(p).toMatchObject({ totalCount: 3, succeededCount: 3, failedCount: 0 });
    p.results.forEach((r, i) => {
      expect(r).toMatchObject({
        contactId: c.contactId,
        messageId: emails[i]!.messageId,
        status: 'SUCCEEDED',
        error: null,
      });
      expect(r.email.linkedDeal.id).toBe(dealId);
    });
  });

  it('207 mixed: the good items are applied and reported; the bad ones fail alone, in place', async () => {
    const [a, b] = take(2);
    const p = await link([a!, { contactId: c.contactId, messageId: UNKNOWN_MESSAGE, ownerId: a!.ownerId }, b!]);
    expect(p.results.map((r) => r.status)).toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    expect(p.results[1].error).toMatchObject({
      code: 'NOT_FOUND',
      vendorCode: 'INVALID_DATA',
      field: 'emails[1].messageId',
    });
    expect(linkedDealOf(stack.emulator, a!.messageId)).toBe(dealId);
    expect(linkedDealOf(stack.emulator, b!.messageId)).toBe(dealId);
  });

  it('400 array-of-arrays (all bad): each error lands on its own item', async () => {
    const owner = c.emails[0]!.ownerId;
    const p = await link([
      { contactId: c.contactId, messageId: UNKNOWN_MESSAGE, ownerId: owner },
      { contactId: c.contactId, messageId: 'e'.repeat(64), ownerId: owner },
    ]);
    expect(p.failedCount).toBe(2);
    expect(p.results.map((r) => r.error.field)).toEqual(['emails[0].messageId', 'emails[1].messageId']);
  });

  it('atomic 400 that refuses the whole batch: matched by json_path, and the good items are re-sent and linked', async () => {
    await stack.setConfig({ batchMode: 'atomic' });
    const [a, b] = take(2);
    const p = await link([a!, b!, { contactId: c.contactId, messageId: UNKNOWN_MESSAGE, ownerId: a!.ownerId }]);
    expect(p.results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED']);
    expect(p.results[2].error.code).toBe('NOT_FOUND');
    expect(linkedDealOf(stack.emulator, a!.messageId)).toBe(dealId);
    expect(linkedDealOf(stack.emulator, b!.messageId)).toBe(dealId);
    expect(stack.calls(LINK)).toBe(2);
  });

  it('a single error envelope applies to every item of that call (a 403 here)', async () => {
    await fault({ route: LINK, status: 403, rate: 1 });
    const p = await link(take(2));
    expect(p.results.map((r) => r.error?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('401 after the one token refresh: UNAUTHENTICATED per item, and no refresh loop', async () => {
    await fault({ route: LINK, status: 401, rate: 1 });
    const before = stack.emulator.stats.snapshot().tokenGrants;
    const p = await link(take(1));
    expect(p.results[0].error.code).toBe('UNAUTHENTICATED');
    expect(stack.emulator.stats.snapshot().tokenGrants - before).toBeLessThanOrEqual(2);
  });

  it("429s until the request's deadline: RATE_LIMITED, with a hint of when to try again", async () => {
    await fault({ route: LINK, status: 429, rate: 1 });
    const p = await link(take(1));
    expect(p.results[0]).toMatchObject({ status: 'FAILED', error: { code: 'RATE_LIMITED' } });
    expect(p.results[0].error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    // Zoho refused every attempt before doing anything, and kept being asked until the deadline.
    expect(stack.calls(LINK)).toBeGreaterThan(3);
  });

  it('5xx after the retries are spent: UPSTREAM_UNAVAILABLE, and the email is not reported linked', async () => {
    await fault({ route: LINK, status: 500, rate: 1 });
    const [e] = take(1);
    const before = linkedDealOf(stack.emulator, e!.messageId);
    const p = await link([e!], c.relatedDealIds.find((d) => d !== before) ?? dealId);
    expect(p.results[0].error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('timeouts after the retries are spent: UNKNOWN, since a request with no answer may still land', async () => {
    await fault({ route: LINK, mode: 'timeout', rate: 1 });
    const [e] = take(1);
    const before = linkedDealOf(stack.emulator, e!.messageId);
    const p = await link([e!], c.relatedDealIds.find((d) => d !== before) ?? dealId);
    expect(p.results[0]).toMatchObject({ status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' } });
    expect(p.results[0].error.message).toMatch(/may still be applied by Zoho within 60 s/);
    expect(p.results[0].error.message).toMatch(/Sending the same link again is safe/);
    expect(p.unknownCount).toBe(1);
  });

  it('an after-phase fault: the write happened, the answer was lost; the item is re-read and reported SUCCEEDED', async () => {
    await fault({ route: LINK, status: 500, phase: 'after', rate: 1 });
    const [e] = take(1);
    const p = await link([e!]);
    expect(p.results[0].status).toBe('SUCCEEDED');
    expect(linkedDealOf(stack.emulator, e!.messageId)).toBe(dealId);
    expect(stack.calls(GET_EMAIL)).toBeGreaterThanOrEqual(1);
  });

  it('when neither the answer nor a read-back tells: UNKNOWN, never SUCCEEDED nor FAILED', async () => {
    await fault({ route: LINK, status: 500, phase: 'after', rate: 1 });
    await fault({ route: GET_EMAIL, status: 500, rate: 1 });
    const p = await link(take(1));
    expect(p.results[0]).toMatchObject({ status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' }, email: null });
    expect(p.results[0].error.message).toMatch(/Reading the email back failed too/);
    expect(p).toMatchObject({ succeededCount: 0, failedCount: 0, unknownCount: 1 });
  });
});

describe('INVALID_DATA, told apart by what the gateway knows', () => {
  it('an unknown email is NOT_FOUND', async () => {
    const p = await link([{ contactId: c.contactId, messageId: UNKNOWN_MESSAGE, ownerId: c.emails[0]!.ownerId }]);
    expect(p.results[0].error).toMatchObject({ code: 'NOT_FOUND', field: 'emails[0].messageId' });
  });

  it('an unknown contact is NOT_FOUND', async () => {
    const p = await link([
      { contactId: '5843104999999999999', messageId: c.emails[0]!.messageId, ownerId: c.emails[0]!.ownerId },
    ]);
    expect(p.results[0].error.code).toBe('NOT_FOUND');
  });

  it('an unknown deal is NOT_FOUND, with no link call', async () => {
    const p = await link(take(1), '5843104999999999998');
    expect(p.results[0].error).toMatchObject({ code: 'NOT_FOUND', field: 'dealId' });
    expect(stack.calls(LINK)).toBe(0);
  });

  it('an existing deal unrelated to the contact is DEAL_NOT_RELATED', async () => {
    const p = await link(take(1), unrelatedDeal(stack.emulator, c.contactId));
    expect(p.results[0].error).toMatchObject({ code: 'DEAL_NOT_RELATED', vendorCode: 'INVALID_DATA' });
  });

  it('a wrong owner is INVALID_INPUT on ownerId', async () => {
    const [e] = take(1);
    const other = stack.emulator.store.db
      .prepare('SELECT id FROM users WHERE id <> ? ORDER BY id LIMIT 1')
      .get(e!.ownerId) as { id: string };
    const p = await link([{ ...e!, ownerId: other.id }]);
    expect(p.results[0].error).toMatchObject({ code: 'INVALID_INPUT', field: 'emails[0].ownerId' });
  });

  it('ALREADY_USED (Zoho refusing to replace a link) is CONFLICT', async () => {
    const [e] = take(1);
    const other = c.relatedDealIds.find((d) => d !== dealId)!;
    expect((await link([e!], other)).succeededCount).toBe(1);
    await stack.setConfig({ relinkMode: 'reject' });
    const p = await link([e!]);
    expect(p.results[0].error).toMatchObject({ code: 'CONFLICT', vendorCode: 'ALREADY_USED' });
    expect(linkedDealOf(stack.emulator, e!.messageId)).toBe(other);
  });
});

describe('input handling before any call', () => {
  it('duplicate items make one upstream item, and each duplicate gets the result', async () => {
    const emails = take(20);
    const p = await link([...emails, emails[3]!]);
    expect(p.totalCount).toBe(21);
    expect(p.succeededCount).toBe(21);
    expect(p.results[20]).toMatchObject({ messageId: emails[3]!.messageId, status: 'SUCCEEDED' });
    // 20 distinct items fit one call; without de-duplication 21 would need two.
    expect(stack.calls(LINK)).toBe(1);
  });

  it('an id that fails Zoho pattern is INVALID_INPUT, with no upstream call', async () => {
    stack.resetStats();
    const p = await link([
      { contactId: '58431O4', messageId: c.emails[0]!.messageId, ownerId: c.emails[0]!.ownerId },
      { contactId: c.contactId, messageId: 'not-a-message-id!', ownerId: c.emails[0]!.ownerId },
    ]);
    expect(p.results.map((r) => [r.error.code, r.error.field])).toEqual([
      ['INVALID_INPUT', 'emails[0].contactId'],
      ['INVALID_INPUT', 'emails[1].messageId'],
    ]);
    expect(stack.calls(LINK)).toBe(0);
  });

  it('an id longer than a Zoho long (19 digits, at most 9223372036854775807) is INVALID_INPUT too', async () => {
    stack.resetStats();
    const [e] = take(1);
    const p = await link([
      { ...e!, contactId: `${c.contactId}0` },
      { ...e!, contactId: '9223372036854775808' },
      { ...e!, ownerId: `${e!.ownerId}0` },
    ]);
    expect(p.results.map((r) => [r.error.code, r.error.field])).toEqual([
      ['INVALID_INPUT', 'emails[0].contactId'],
      ['INVALID_INPUT', 'emails[1].contactId'],
      ['INVALID_INPUT', 'emails[2].ownerId'],
    ]);
    expect(p.results[0].error.message).toMatch(/digits only, at most 19/);
    expect(stack.calls(LINK)).toBe(0);
  });

  it('more than 500 items is refused whole with BAD_USER_INPUT', async () => {
    const emails = Array.from({ length: 501 }, () => ({ contactId: c.contactId, messageId: UNKNOWN_MESSAGE }));
    const res = await stack.gql(LINK_MUTATION, { input: { dealId, emails } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.data).toBeNull();
  });

  it('without ownerId the owner is read from the email, and the link succeeds', async () => {
    const [e] = take(1);
    const p = await link([{ contactId: e!.contactId, messageId: e!.messageId }]);
    expect(p.results[0].status).toBe('SUCCEEDED');
  });
});

describe('unlink', () => {
  it('unlinking an email with no link succeeds (retries are safe)', async () => {
    const [e] = take(1);
    await stack.gql(UNLINK_MUTATION, { input: { emails: [e] } });
    const res = await stack.gql(UNLINK_MUTATION, { input: { emails: [e] } });
    expect(res.data.unlinkEmailsFromDeal.results[0]).toMatchObject({
      status: 'SUCCEEDED',
      email: { linkedDeal: null },
    });
  });

  it('with expectedDealId, an email linked elsewhere fails with CONFLICT and keeps its link', async () => {
    const [a, b] = take(2);
    const other = c.relatedDealIds.find((d) => d !== dealId)!;
    await link([a!]);
    await link([b!], other);
    const res = await stack.gql(UNLINK_MUTATION, { input: { emails: [a, b], expectedDealId: dealId } });
    const results = res.data.unlinkEmailsFromDeal.results;
    expect(results.map((r: any) => r.status)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(results[1].error.code).toBe('CONFLICT');
    expect(linkedDealOf(stack.emulator, a!.messageId)).toBeNull();
    expect(linkedDealOf(stack.emulator, b!.messageId)).toBe(other);
  });
});
