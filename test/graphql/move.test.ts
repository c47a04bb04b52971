/**
 * moveEmailsToDeal: the article's "prediction put it on deal A, it belongs on deal B" as one safe
 * call, against the emulator in both relink modes, counting what Zoho was asked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_MUTATION, LINK_ROUTE as LINK, UNLINK_ROUTE as UNLINK } from '../support/operations.ts';
import { contactsWithEmails, linkedDealOf, type ContactFixture } from '../support/fixtures.ts';

const GET_EMAIL = 'GET /crm/v8/Contacts/{id}/Emails/{message_id}';
const MOVE = /* GraphQL */ `
  mutation Move($input: MoveEmailsToDealInput!) {
    moveEmailsToDeal(input: $input) {
      totalCount
      succeededCount
      failedCount
      results {
        contactId
        messageId
        status
        previousDealId
        restoreAttempted
        restored
        error {
          code
          message
          vendorCode
          field
        }
        email {
          id
          linkedDeal {
            id
            name
          }
        }
      }
    }
  }
`;

type Ref = { contactId: string; messageId: string };

/** Runs once, synchronously, when the gateway's next unlink call has been answered. */
let afterNextUnlink: (() => void) | null = null;
let stack: Stack;
let c: ContactFixture;
let dealA: string;
let dealB: string;
let next = 0;
const take = (n: number): Ref[] => {
  const out = c.emails.slice(next, next + n).map((e) => ({ contactId: c.contactId, messageId: e.messageId }));
  next += n;
  if (out.length < n) throw new Error('fixture contact ran out of emails');
  return out;
};

beforeAll(async () => {
  stack = await startStack({
    client: {
      hooks: {
        onCall: (e) => {
          if (`${e.method} ${e.routeTemplate}` !== UNLINK || e.status !== 200 || !afterNextUnlink) return;
          const act = afterNextUnlink;
          afterNextUnlink = null;
          act();
        },
      },
    },
  });
  c = contactsWithEmails(stack.emulator, { minEmails: 40, count: 1 })[0]!;
  if (c.relatedDealIds.length < 2) throw new Error('the fixture contact needs two related deals');
  [dealA, dealB] = c.relatedDealIds as [string, string];
  await stack.gql(`{ deal(id: "${dealA}") { stageCategory } }`);
});
afterAll(() => stack?.close());
afterEach(async () => {
  afterNextUnlink = null;
  await stack.emulator.admin('DELETE', '/__emulator/faults');
  await stack.setConfig({ relinkMode: 'replace' });
});

/** Puts the emails on a deal through the link mutation, then zeroes the stats. */
async function onDeal(emails: Ref[], dealId: string) {
  const res = await stack.gql(LINK_MUTATION, { input: { dealId, emails } });
  expect(res.data.linkEmailsToDeal.succeededCount).toBe(emails.length);
  stack.resetStats();
}

/** A fresh email of the fixture contact, on deal A; with `reject`, Zoho then refuses relinks. */
async function oneOnA(mode: 'replace' | 'reject' = 'replace'): Promise<Ref> {
  const e = take(1)[0]!;
  await onDeal([e], dealA);
  if (mode === 'reject') await stack.setConfig({ relinkMode: 'reject' });
  return e;
}

async function move(emails: Ref[], dealId: string) {
  const res = await stack.gql(MOVE, { input: { dealId, emails } });
  expect(res.errors).toBeUndefined();
  return res.data.moveEmailsToDeal as {
    totalCount: number;
    succeededCount: number;
    failedCount: number;
    results: any[];
  };
}

/**
 * Takes a deal away from the fixture contact (primary contact and contact role), as a colleague
 * editing the deal would; returns how to give it back.
 */
function detach(dealId: string): () => void {
  const db = stack.emulator.store.db;
  const deal = db.prepare('SELECT contact_id FROM deals WHERE id = ?').get(dealId) as { contact_id: string | null };
  const roles = db
    .prepare('SELECT * FROM deal_contact_roles WHERE deal_id = ? AND contact_id = ?')
    .all(dealId, c.contactId) as Array<Record<string, unknown>>;
  db.prepare('UPDATE deals SET contact_id = NULL WHERE id = ? AND contact_id = ?').run(dealId, c.contactId);
  db.prepare('DELETE FROM deal_contact_roles WHERE deal_id = ? AND contact_id = ?').run(dealId, c.contactId);
  return () => {
    db.prepare('UPDATE deals SET contact_id = ? WHERE id = ?').run(deal.contact_id, dealId);
    for (const r of roles) {
      const keys = Object.keys(r);
      db.prepare(
        `INSERT OR IGNORE INTO deal_contact_roles (${keys.join(',')}) VALUES (${keys.map((k) => '@' + k).join(',')})`,
      ).run(r);
    }
  };
}

describe('where Zoho replaces links (the default)', () => {
  it('moves 5 emails from deal A to deal B with one read each and a single link call', async () => {
    const emails = take(5);
    await onDeal(emails, dealA);

    const p = await move(emails, dealB);

    expect(p).toMatchObject({ totalCount: 5, succeededCount: 5, failedCount: 0 });
    p.results.forEach((r, i) => {
      expect(r).toMatchObject({
        messageId: emails[i]!.messageId,
        status: 'SUCCEEDED',
        previousDealId: dealA,
        restoreAttempted: false,
        restored: null,
        error: null,
      });
      expect(r.email.linkedDeal.id).toBe(dealB);
      expect(linkedDealOf(stack.emulator, emails[i]!.messageId)).toBe(dealB);
    });
    expect(stack.calls(LINK)).toBe(1);
    expect(stack.calls(UNLINK)).toBe(0);
    expect(stack.calls(GET_EMAIL)).toBe(5);
  });

  it('an email already on the target deal succeeds with no write at all', async () => {
    const emails = take(2);
    await onDeal(emails, dealB);
    const p = await move(emails, dealB);
    expect(p.results.map((r) => [r.status, r.previousDealId])).toEqual([
      ['SUCCEEDED', dealB],
      ['SUCCEEDED', dealB],
    ]);
    expect(stack.calls(LINK)).toBe(0);
  });

  it('reports an email that was on no deal with previousDealId null', async () => {
    const e = take(1)[0]!;
    await stack.gql(`mutation($i: UnlinkEmailsFromDealInput!) { unlinkEmailsFromDeal(input: $i) { failedCount } }`, {
      i: { emails: [e] },
    });
    const p = await move([e], dealB);
    expect(p.results[0]).toMatchObject({ status: 'SUCCEEDED', previousDealId: null, restoreAttempted: false });
  });

  it('a failed link leaves the email where it was, and says where that is', async () => {
    const e = await oneOnA();
    const p = await move([e], '5843104999999999998');
    expect(p.results[0]).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND', field: 'dealId' } });
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealA);
  });
});

describe('where Zoho refuses to replace a link (relinkMode reject)', () => {
  it('falls back to unlink, then link, for the refused emails', async () => {
    const emails = take(3);
    await onDeal(emails, dealA);
    await stack.setConfig({ relinkMode: 'reject' });

    const p = await move(emails, dealB);

    expect(p.succeededCount).toBe(3);
    for (const r of p.results)
      expect(r).toMatchObject({ previousDealId: dealA, restoreAttempted: false, restored: null });
    for (const e of emails) expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealB);
    // The refused batch, one unlink for the three, and the batch again.
    expect(stack.calls(LINK)).toBe(2);
    expect(stack.calls(UNLINK)).toBe(1);
  });

  it('when the link after the unlink fails, the email is linked back to its previous deal and the result says restored', async () => {
    const e = await oneOnA('reject');
    let reattach: (() => void) | null = null;
    afterNextUnlink = () => {
      reattach = detach(dealB);
    };
    try {
      const p = await move([e], dealB);
      expect(reattach).not.toBeNull();
      expect(p.results[0]).toMatchObject({
        status: 'FAILED',
        previousDealId: dealA,
        restoreAttempted: true,
        restored: true,
        email: null,
        error: { code: 'DEAL_NOT_RELATED' },
      });
      expect(p.results[0].error.message).toMatch(/linked back to its previous deal/);
      expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealA);
      // Refused, unlinked, the link failed, the restore.
      expect(stack.calls(UNLINK)).toBe(1);
      expect(stack.calls(LINK)).toBe(3);
    } finally {
      (reattach as (() => void) | null)?.();
    }
  });

  it('when the restore fails too, the email is on no deal: UNKNOWN, and the message says where it is', async () => {
    const e = await oneOnA('reject');
    const reattach: Array<() => void> = [];
    afterNextUnlink = () => {
      reattach.push(detach(dealB), detach(dealA));
    };
    try {
      const p = await move([e], dealB);
      // Neither as asked (on B) nor as it was (on A): that is not a FAILED.
      expect(p.results[0]).toMatchObject({
        status: 'UNKNOWN',
        previousDealId: dealA,
        restoreAttempted: true,
        restored: null,
        error: { code: 'UNKNOWN_RESULT' },
      });
      expect(p.results[0].error.message).toMatch(/The email is on no deal/);
      expect(p.results[0].error.message).toMatch(/sending the move again completes it/);
      expect(linkedDealOf(stack.emulator, e.messageId)).toBeNull();
    } finally {
      reattach.forEach((r) => r());
    }
  });

  it('when the unlink itself fails, the email stays on its deal and the result says so', async () => {
    const e = await oneOnA('reject');
    await stack.emulator.admin('POST', '/__emulator/faults', { route: UNLINK, status: 403, rate: 1 });
    const p = await move([e], dealB);
    expect(p.results[0]).toMatchObject({
      status: 'FAILED',
      previousDealId: dealA,
      restoreAttempted: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(p.results[0].error.message).toMatch(`still linked to deal ${dealA}`);
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealA);
  });
});

describe('faults on the way', () => {
  it('a link that keeps failing (500 after retries) leaves the email on its previous deal, with no unlink', async () => {
    const e = await oneOnA();
    await stack.emulator.admin('POST', '/__emulator/faults', { route: LINK, status: 500, rate: 1 });
    const p = await move([e], dealB);
    expect(p.results[0]).toMatchObject({
      status: 'FAILED',
      previousDealId: dealA,
      restoreAttempted: false,
      error: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(stack.calls(UNLINK)).toBe(0);
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealA);
  });

  it('in reject mode, an unlink that keeps failing (500 after retries) is read back: still on its deal, FAILED', async () => {
    const e = await oneOnA('reject');
    await stack.emulator.admin('POST', '/__emulator/faults', { route: UNLINK, status: 500, rate: 1 });
    const p = await move([e], dealB);
    expect(p.results[0]).toMatchObject({
      status: 'FAILED',
      previousDealId: dealA,
      restoreAttempted: false,
      error: { code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(p.results[0].error.message).toMatch(`still linked to deal ${dealA}`);
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealA);
    expect(stack.calls(GET_EMAIL)).toBeGreaterThanOrEqual(1);
  });

  it('in reject mode, an unlink whose answer is lost (after-phase 500) is read back and the move completes', async () => {
    const e = await oneOnA('reject');
    await stack.emulator.admin('POST', '/__emulator/faults', { route: UNLINK, status: 500, phase: 'after', rate: 1 });
    const p = await move([e], dealB);
    expect(p.results[0]).toMatchObject({ status: 'SUCCEEDED', previousDealId: dealA, restoreAttempted: false });
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealB);
  });
});

describe('input handling', () => {
  it('keeps input order with duplicates and malformed ids, and makes no call for the malformed', async () => {
    const [a, b] = take(2);
    await onDeal([a!, b!], dealA);
    const p = await move([b!, { contactId: 'x1', messageId: a!.messageId }, a!, b!], dealB);
    expect(p.results.map((r) => [r.messageId, r.status])).toEqual([
      [b!.messageId, 'SUCCEEDED'],
      [a!.messageId, 'FAILED'],
      [a!.messageId, 'SUCCEEDED'],
      [b!.messageId, 'SUCCEEDED'],
    ]);
    expect(p.results[1].error).toMatchObject({ code: 'INVALID_INPUT', field: 'emails[1].contactId' });
    expect(p.results[1]).toMatchObject({ previousDealId: null, restoreAttempted: false, restored: null });
    expect(stack.calls(GET_EMAIL)).toBe(2);
    expect(stack.calls(LINK)).toBe(1);
  });
});
