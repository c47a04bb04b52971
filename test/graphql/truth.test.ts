/**
 * Every reported result is true, whatever faults happen on the way: a caller told SUCCEEDED finds
 * the email as asked, a caller told FAILED finds it as it was, and anything else is UNKNOWN with a
 * message that says why. Each case below is a fault sequence that once produced an untrue result
 * (FAILED while Zoho had applied the write), replayed through the emulator's fault API and checked
 * against the emulator's own state.
 *
 * Faults are consulted in the order they are added, one per call: `after` applies the write and
 * then spoils its answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_MUTATION, LINK_ROUTE as LINK, UNLINK_MUTATION, UNLINK_ROUTE as UNLINK } from '../support/operations.ts';
import { contactsWithEmails, linkedDealOf, type ContactFixture } from '../support/fixtures.ts';

const GET_EMAIL = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';
const TOKEN = 'POST /oauth/v2/token';
const MOVE = /* GraphQL */ `
  mutation Move($input: MoveEmailsToDealInput!) {
    moveEmailsToDeal(input: $input) {
      succeededCount
      failedCount
      unknownCount
      results {
        status
        previousDealId
        restoreAttempted
        restored
        error {
          code
          message
          vendorCode
        }
      }
    }
  }
`;

type Ref = { contactId: string; messageId: string; ownerId?: string };

let stack: Stack;
let c: ContactFixture;
let dealA: string;
let dealB: string;
let next = 0;
const take = (): Ref => {
  const e = c.emails[next++];
  if (!e) throw new Error('the fixture contact ran out of emails');
  return { contactId: c.contactId, messageId: e.messageId };
};
const fault = async (body: Record<string, unknown>) => {
  const res = await stack.emulator.admin('POST', '/__emulator/faults', body);
  expect(res.status).toBeLessThan(300);
};
const on = (e: Ref) => linkedDealOf(stack.emulator, e.messageId);

async function gql<T>(query: string, input: Record<string, unknown>, field: string): Promise<T> {
  const res = await stack.gql(query, { input });
  expect(res.errors).toBeUndefined();
  return res.data[field] as T;
}
type Payload = { succeededCount: number; failedCount: number; unknownCount: number; results: any[] };
const link = (e: Ref, dealId: string) => gql<Payload>(LINK_MUTATION, { dealId, emails: [e] }, 'linkEmailsToDeal');
const unlink = (e: Ref) => gql<Payload>(UNLINK_MUTATION, { emails: [e] }, 'unlinkEmailsFromDeal');
const move = (e: Ref, dealId: string) => gql<Payload>(MOVE, { dealId, emails: [e] }, 'moveEmailsToDeal');

/** The same email with its mailbox owner, so that linking it needs no read of it first. */
const withOwner = (e: Ref): Ref => ({ ...e, ownerId: c.emails.find((x) => x.messageId === e.messageId)!.ownerId });

/** A fresh email of the fixture contact, put on deal A with no fault active. */
async function oneOnA(): Promise<Ref> {
  const e = take();
  expect((await link(e, dealA)).succeededCount).toBe(1);
  stack.resetStats();
  return e;
}

beforeAll(async () => {
  stack = await startStack({
    zoho: { timeoutMs: 400, retry: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20, maxTotalMs: 3_000 } },
    gateway: { requestDeadlineMs: 1_500 },
  });
  c = contactsWithEmails(stack.emulator, { minEmails: 40, count: 1 })[0]!;
  [dealA, dealB] = c.relatedDealIds as [string, string];
  if (!dealB) throw new Error('the fixture contact needs two related deals');
});
afterAll(() => stack?.close());
afterEach(async () => {
  await stack.emulator.admin('DELETE', '/__emulator/faults');
  await stack.setConfig({ relinkMode: 'replace', batchMode: 'partial' });
});

describe('a write Zoho applied, answered with a failure, then retried into refusals', () => {
  for (const first of [
    { status: 500, phase: 'after' },
    { mode: 'timeout', phase: 'after' },
    { mode: 'reset', phase: 'after' },
  ]) {
    it(`link: ${first.mode ?? first.status} after the write, then 429s, is SUCCEEDED (the email is on the deal)`, async () => {
      const e = await oneOnA();
      await fault({ route: LINK, count: 1, ...first });
      await fault({ route: LINK, status: 429, count: 20 });
      const p = await link(e, dealB);
      expect(p.results[0]).toMatchObject({ status: 'SUCCEEDED', error: null });
      expect(on(e)).toBe(dealB);
      // The retries met 429s; a read-back settled it.
      expect(stack.calls(LINK)).toBeGreaterThan(1);
      expect(stack.calls(GET_EMAIL)).toBeGreaterThanOrEqual(1);
    });
  }

  for (const [first, then] of [
    [{ status: 500, phase: 'after' }, { status: 401 }],
    [{ mode: 'reset', phase: 'after' }, { status: 429 }],
  ] as const) {
    it(`unlink: ${'mode' in first ? first.mode : first.status} after the write, then ${then.status}s, is SUCCEEDED (the email is unlinked)`, async () => {
      const e = await oneOnA();
      await fault({ route: UNLINK, count: 1, ...first });
      await fault({ route: UNLINK, count: 20, ...then });
      const p = await unlink(e);
      expect(p.results[0]).toMatchObject({ status: 'SUCCEEDED', error: null });
      expect(on(e)).toBeNull();
    });
  }

  it('move in reject mode: the link is refused, the unlink is applied but answered 500, its retries get 429s: the move completes', async () => {
    const e = await oneOnA();
    await stack.setConfig({ relinkMode: 'reject' });
    await fault({ route: UNLINK, status: 500, phase: 'after', count: 1 });
    await fault({ route: UNLINK, status: 429, count: 20 });
    const p = await move(e, dealB);
    expect(p.results[0]).toMatchObject({ status: 'SUCCEEDED', previousDealId: dealA, error: null });
    expect(on(e)).toBe(dealB);
  });
});

describe('when nothing can show what happened', () => {
  it('link: every attempt applied but answered 500, and every read-back fails: UNKNOWN, not FAILED', async () => {
    const e = await oneOnA();
    await fault({ route: LINK, status: 500, phase: 'after', rate: 1 });
    await fault({ route: GET_EMAIL, status: 500, rate: 1 });
    const p = await link(withOwner(e), dealB);
    expect(p.results[0]).toMatchObject({ status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' } });
    expect(p.results[0].error.message).toMatch(/Reading the email back failed too/);
    expect(p.results[0].error.message).toMatch(/Sending the same link again is safe/);
    expect(p).toMatchObject({ succeededCount: 0, failedCount: 0, unknownCount: 1 });
    expect(on(e)).toBe(dealB);
  });

  it('unlink: the first DELETE gets no answer, the retries get 503s, the read-back shows no change yet: UNKNOWN', async () => {
    const e = await oneOnA();
    // A DELETE that got no answer may still be at work inside Zoho: it is not a FAILED.
    await fault({ route: UNLINK, mode: 'timeout', count: 1 });
    await fault({ route: UNLINK, status: 503, count: 20 });
    const p = await unlink(e);
    expect(p.results[0]).toMatchObject({ status: 'UNKNOWN', error: { code: 'UNKNOWN_RESULT' } });
    expect(p.results[0].error.message).toMatch(/may still be applied by Zoho within 60 s/);
    expect(p.results[0].error.message).toMatch(new RegExp(`linked to deal ${dealA} now`));
    expect(on(e)).toBe(dealA);
  });

  it('a move whose link gets no answer and whose read-back shows the old deal: UNKNOWN, restored null', async () => {
    const e = await oneOnA();
    await fault({ route: LINK, mode: 'timeout', count: 1 });
    await fault({ route: LINK, status: 503, count: 20 });
    const p = await move(e, dealB);
    expect(p.results[0]).toMatchObject({
      status: 'UNKNOWN',
      previousDealId: dealA,
      restored: null,
      error: { code: 'UNKNOWN_RESULT' },
    });
    expect(p.results[0].error.message).toMatch(/sending the same move again completes it/i);
  });

  it('a write that Zoho refused before doing anything stays FAILED, with its own code', async () => {
    const e = await oneOnA();
    await fault({ route: LINK, status: 429, rate: 1 });
    const p = await link(withOwner(e), dealB);
    expect(p.results[0]).toMatchObject({ status: 'FAILED', error: { code: 'RATE_LIMITED' } });
    expect(on(e)).toBe(dealA);
    // Zoho refused every attempt: nothing could have been applied, so nothing is read back.
    expect(stack.calls(GET_EMAIL)).toBe(0);
  });
});

describe('codes that say what is known', () => {
  it('a bare 400 with no details is not guessed into NOT_FOUND', async () => {
    const e = await oneOnA();
    await fault({ route: LINK, status: 400, count: 1 });
    const p = await link(e, dealB);
    expect(p.results[0]).toMatchObject({
      status: 'FAILED',
      error: { code: 'UPSTREAM_ERROR', vendorCode: 'INVALID_DATA' },
    });
    expect(p.results[0].error.message).toMatch(/without saying which value/);
    expect(on(e)).toBe(dealA);
  });
});

describe("the token endpoint's outage", () => {
  it('is UPSTREAM_UNAVAILABLE while it lasts, locks nothing out, and service is back at the next call', async () => {
    const fresh = await startStack({
      zoho: { retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, maxTotalMs: 2_000 } },
    });
    try {
      await fresh.emulator.admin('POST', '/__emulator/faults', { route: TOKEN, status: 500, rate: 1 });
      const query = `{ contact(id: "${c.contactId}") { id firstName } }`;
      for (let i = 0; i < 4; i++) {
        const down = await fresh.gql(query);
        expect(down.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      }
      await fresh.emulator.admin('DELETE', '/__emulator/faults');
      const up = await fresh.gql(query);
      expect(up.errors).toBeUndefined();
      expect(up.data.contact.id).toBe(c.contactId);
      // Twelve failed attempts minted nothing; the one token is the one Zoho issued.
      expect(fresh.emulator.stats.snapshot().tokenGrants).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
