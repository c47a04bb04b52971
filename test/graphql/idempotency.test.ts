/**
 * Idempotency keys, as a client uses them: the same key and input sent again returns the first
 * call's results and writes nothing twice; a different input is refused; a repeat sent while the
 * first call still runs waits for it; keys never cross callers; an UNKNOWN item is read back on a
 * repeat. Counting the calls Zoho received.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_ROUTE as LINK, UNLINK_ROUTE as UNLINK } from '../support/operations.ts';
import { contactsWithEmails, linkedDealOf, type ContactFixture } from '../support/fixtures.ts';
import { SqliteStateStore } from '../../src/state/sqlite.ts';
import { op } from '../state/contract.ts';

const KEY_A = 'caller-a-key-0123456789';
const KEY_B = 'caller-b-key-0123456789';
const ASSOCIATE = 'POST /crm/v8/Contacts/{id}/actions/associate_email';
const GET_EMAIL = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';

const LINK_M = /* GraphQL */ `
  mutation Link($input: LinkEmailsToDealInput!) {
    linkEmailsToDeal(input: $input) {
      succeededCount
      failedCount
      unknownCount
      results {
        messageId
        status
        error {
          code
          message
        }
      }
    }
  }
`;
const MOVE_M = /* GraphQL */ `
  mutation Move($input: MoveEmailsToDealInput!) {
    moveEmailsToDeal(input: $input) {
      succeededCount
      results {
        status
        previousDealId
      }
    }
  }
`;
const ASSOCIATE_M = /* GraphQL */ `
  mutation Associate($input: AssociateEmailInput!) {
    associateEmail(input: $input) {
      status
      alreadyExisted
      email {
        messageId
      }
    }
  }
`;

let stack: Stack;
let c: ContactFixture;
let dealA: string;
let dealB: string;
let next = 0;
const take = () => {
  const e = c.emails[next++];
  if (!e) throw new Error('the fixture contact ran out of emails');
  return { contactId: c.contactId, messageId: e.messageId, ownerId: e.ownerId };
};
const as = (key: string) => ({ 'x-api-key': key });
let serial = 0;

async function call(query: string, input: Record<string, unknown>, apiKey = KEY_A) {
  return stack.gql(query, { input }, as(apiKey));
}

beforeAll(async () => {
  stack = await startStack({ gateway: { auth: { apiKeys: [KEY_A, KEY_B], jwt: null } } });
  c = contactsWithEmails(stack.emulator, { minEmails: 30, count: 1 })[0]!;
  [dealA, dealB] = c.relatedDealIds as [string, string];
  await call(LINK_M, { dealId: dealA, emails: [take()] });
  stack.resetStats();
});
afterAll(() => stack?.close());
afterEach(async () => {
  await stack.emulator.admin('DELETE', '/__emulator/faults');
  stack.resetStats();
});

describe('a repeat with the same key and the same input', () => {
  it('returns the stored results and writes nothing again', async () => {
    const emails = [take(), take()];
    const input = { dealId: dealB, emails, idempotencyKey: 'link-once-1' };
    const first = await call(LINK_M, input);
    expect(first.data.linkEmailsToDeal.succeededCount).toBe(2);
    expect(stack.calls(LINK)).toBe(1);
    // Someone moves one email elsewhere meanwhile: the repeat still answers what the call did.
    await call(LINK_M, { dealId: dealA, emails: [emails[0]] });
    stack.resetStats();
    const again = await call(LINK_M, input);
    expect(again.data).toEqual(first.data);
    expect(stack.allCalls()).toEqual({});
  });

  it('reads an UNKNOWN item back first, and reports it as it now is', async () => {
    const e = take();
    await stack.emulator.admin('POST', '/__emulator/faults', { route: LINK, status: 500, phase: 'after', rate: 1 });
    await stack.emulator.admin('POST', '/__emulator/faults', { route: GET_EMAIL, status: 500, rate: 1 });
    const input = { dealId: dealB, emails: [e], idempotencyKey: 'unknown-then-known' };
    const first = await call(LINK_M, input);
    expect(first.data.linkEmailsToDeal.results[0].status).toBe('UNKNOWN');
    await stack.emulator.admin('DELETE', '/__emulator/faults');
    stack.resetStats();
    const again = await call(LINK_M, input);
    expect(again.data.linkEmailsToDeal).toMatchObject({ succeededCount: 1, unknownCount: 0 });
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealB);
    expect(stack.calls(LINK)).toBe(0);
    expect(stack.calls(GET_EMAIL)).toBe(1);
  });

  it('sent while the first call still runs in this gateway: waits for it, and one set of writes is made', async () => {
    const emails = [take(), take(), take()];
    await stack.setConfig({ latencyMs: 150 });
    try {
      const input = { dealId: dealA, emails, idempotencyKey: 'concurrent-repeat' };
      const [a, b] = await Promise.all([call(MOVE_M, input), call(MOVE_M, input)]);
      expect(a.data).toEqual(b.data);
      expect(a.data.moveEmailsToDeal.succeededCount).toBe(3);
      expect(stack.calls(LINK)).toBe(1);
    } finally {
      await stack.setConfig({ latencyMs: 0 });
    }
  });
});

describe('keys that do not fit', () => {
  it('the same key with a different input is refused with IDEMPOTENCY_KEY_REUSED, before any call', async () => {
    const first = await call(LINK_M, { dealId: dealA, emails: [take()], idempotencyKey: 'reused-key' });
    expect(first.errors).toBeUndefined();
    stack.resetStats();
    const other = await call(LINK_M, { dealId: dealB, emails: [take()], idempotencyKey: 'reused-key' });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(stack.allCalls()).toEqual({});
  });

  it('a key longer than 255 characters is refused as bad input', async () => {
    const res = await call(LINK_M, { dealId: dealA, emails: [take()], idempotencyKey: 'k'.repeat(256) });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });
});

describe('keys never cross callers', () => {
  it('two callers with the same key each get their own call, and their own results', async () => {
    const [ea, eb] = [take(), take()];
    const a = await call(LINK_M, { dealId: dealB, emails: [ea], idempotencyKey: 'shared-key' }, KEY_A);
    const b = await call(LINK_M, { dealId: dealA, emails: [eb], idempotencyKey: 'shared-key' }, KEY_B);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data.linkEmailsToDeal.results[0].messageId).toBe(eb.messageId);
    expect(stack.calls(LINK)).toBe(2);
    expect(linkedDealOf(stack.emulator, eb.messageId)).toBe(dealA);
  });
});

describe("keys of JWT callers belong to the token's subject", () => {
  const SECRET = 'a-shared-hmac-secret-of-32-chars!!';
  let jwtStack: Stack;
  beforeAll(async () => {
    jwtStack = await startStack({
      gateway: {
        auth: { apiKeys: [], jwt: { secret: SECRET, jwksUrl: null, issuer: null, audience: 'email-gateway' } },
      },
    });
  });
  afterAll(() => jwtStack?.close());
  const bearer = async (sub: string | null) => {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('email-gateway')
      .setExpirationTime('5m');
    if (sub) jwt.setSubject(sub);
    return { authorization: `Bearer ${await jwt.sign(new TextEncoder().encode(SECRET))}` };
  };

  it('the same subject repeating a key gets its stored results; another subject with that key is its own call', async () => {
    const [ea, eb] = [take(), take()];
    const input = { dealId: dealB, emails: [ea], idempotencyKey: 'jwt-shared-key' };
    const first = await jwtStack.gql(LINK_M, { input }, await bearer('app-one'));
    const again = await jwtStack.gql(LINK_M, { input }, await bearer('app-one'));
    expect(again.data).toEqual(first.data);
    expect(jwtStack.calls(LINK)).toBe(1);
    // A token of another subject, another input under the same key: not IDEMPOTENCY_KEY_REUSED.
    const other = await jwtStack.gql(
      LINK_M,
      { input: { dealId: dealA, emails: [eb], idempotencyKey: 'jwt-shared-key' } },
      await bearer('app-two'),
    );
    expect(other.errors).toBeUndefined();
    expect(other.data.linkEmailsToDeal.results[0].messageId).toBe(eb.messageId);
    expect(jwtStack.calls(LINK)).toBe(2);
  });

  it('a token with no subject cannot use a key: bad input, before any call', async () => {
    jwtStack.resetStats();
    const res = await jwtStack.gql(
      LINK_M,
      { input: { dealId: dealA, emails: [take()], idempotencyKey: 'no-subject-key' } },
      await bearer(null),
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(jwtStack.calls(LINK)).toBe(0);
  });
});

describe('associate with a key', () => {
  it('repeated, creates one email, not two, and answers the same email', async () => {
    const input = {
      contactId: c.contactId,
      from: { email: 'ann@client.example' },
      to: [{ email: 'patricia.boyle@zylker.example' }],
      subject: 'Key test',
      content: '<p>hello</p>',
      sentAt: '2026-03-04T10:15:00+05:30',
      direction: 'RECEIVED',
      originalMessageId: `<key.${++serial}.${Date.now()}@client.example>`,
      idempotencyKey: `associate-${serial}`,
    };
    const first = await call(ASSOCIATE_M, input);
    const again = await call(ASSOCIATE_M, input);
    expect(first.data.associateEmail.status).toBe('SUCCEEDED');
    expect(again.data).toEqual(first.data);
    expect(stack.calls(ASSOCIATE)).toBe(1);
    const rows = stack.emulator.store.db
      .prepare('SELECT COUNT(*) AS n FROM emails WHERE original_message_id = ?')
      .get(input.originalMessageId) as { n: number };
    expect(rows.n).toBe(1);
  });
});

describe('moves are journaled', () => {
  it('each email of a move is recorded before the first write, and the journal is settled after', async () => {
    const e = take();
    const res = await call(MOVE_M, { dealId: dealB, emails: [e], idempotencyKey: 'journaled-move' });
    expect(res.data.moveEmailsToDeal.succeededCount).toBe(1);
    const stats = await stack.gateway.operations.store.stats();
    expect(stats.pendingEntries).toBe(0);
    expect(stats.runningOperations).toBe(0);
    expect(stack.calls(UNLINK)).toBe(0);
  });
});

describe('a keyed call that fails without an answer', () => {
  it('does not keep its key: a repeat is answered the same way, not IDEMPOTENCY_KEY_IN_USE', async () => {
    const input = {
      dealId: dealA,
      emails: Array.from({ length: 501 }, (_, i) => ({ contactId: c.contactId, messageId: `${i}` })),
      idempotencyKey: `too-many-${serial++}`,
    };
    const first = await call(LINK_M, input);
    expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const again = await call(LINK_M, input);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('a keyed link whose gateway process died', () => {
  it('is dropped by the recovery once its writes can no longer land, so that it does not pile up', async () => {
    const state = new SqliteStateStore(':memory:');
    const own = await startStack({ gateway: { state, leaseMs: 300 }, zoho: { lateWriteWindowMs: 200 } });
    try {
      const now = Date.now();
      const dead = op({
        mutation: 'linkEmailsToDeal',
        owner: 'a-dead-process',
        leaseUntil: now - 1_000,
        renewedAt: now - 1_000,
        createdAt: now - 1_000,
        expiresAt: now + 86_400_000,
      });
      const move = op({
        owner: 'another-dead-process',
        leaseUntil: now + 86_400_000,
        createdAt: now,
        expiresAt: now + 86_400_000,
      });
      await state.claim(dead);
      await state.claim(move);
      for (let i = 0; i < 100 && (await state.get(dead.id)) !== null; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await state.get(dead.id)).toBeNull();
      // A move under a live lease is left alone.
      expect((await state.get(move.id))?.state).toBe('running');
    } finally {
      await own.close();
      await state.close();
    }
  });
});
