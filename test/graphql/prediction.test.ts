/**
 * Contact.dealPrediction is the gateway's own implementation of the article's rule. Here it is
 * held against the emulator's: for every contact of the demo org, the deal the gateway predicts
 * must be the deal the emulator links a newly received email to (POST /__emulator/inbound).
 * Inbound creates emails, so this file has its own stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { DEMO_ORG_ID } from '../../src/emulator/seed/demo.ts';

const PREDICTION = /* GraphQL */ `
  query ($ids: [ID!]!) {
    contacts(ids: $ids) {
      id
      dealPrediction {
        reason
        deal {
          id
        }
        candidates {
          deal {
            id
          }
          stageCategory
          modifiedAt
          eligible
        }
      }
    }
  }
`;
const REASONS: Record<string, string> = {
  single_open_deal: 'SINGLE_OPEN_DEAL',
  most_recently_modified: 'MOST_RECENTLY_MODIFIED',
  tie_broken_by_larger_id: 'MOST_RECENTLY_MODIFIED',
  no_open_deal: 'NO_OPEN_DEAL',
};

type Predicted = { id: string; dealPrediction: { reason: string; deal: { id: string } | null; candidates: any[] } };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** The gateway's predictions, 100 contacts per request. */
async function predictions(ids: string[]): Promise<Map<string, Predicted['dealPrediction']>> {
  const out = new Map<string, Predicted['dealPrediction']>();
  for (let i = 0; i < ids.length; i += 100) {
    const res = await stack.gql(PREDICTION, { ids: ids.slice(i, i + 100) });
    expect(res.errors).toBeUndefined();
    for (const c of res.data.contacts as Predicted[]) out.set(c.id, c.dealPrediction);
  }
  return out;
}

/** What the emulator's mailbox does with an email received now. */
async function inbound(contactId: string): Promise<{ dealId: string | null; reason: string }> {
  const res = await stack.emulator.admin('POST', '/__emulator/inbound', { contactId, subject: 'Checking in' });
  expect(res.status).toBe(200);
  return { dealId: res.body.linked_record?.id ?? null, reason: REASONS[res.body.reason] ?? res.body.reason };
}

function contactIds(): string[] {
  return (
    stack.emulator.store.db.prepare('SELECT id FROM contacts WHERE org_id = ? ORDER BY id').all(DEMO_ORG_ID) as Array<{
      id: string;
    }>
  ).map((r) => r.id);
}

describe('dealPrediction against the emulator inbound prediction', () => {
  it('agrees on the deal and the reason for every contact of the demo org, at one related-deals call per contact', async () => {
    const ids = contactIds();
    expect(ids.length).toBeGreaterThanOrEqual(100);
    await stack.gql(`{ deal(id: "5843104000004382122") { stageCategory } }`);
    stack.resetStats();

    const gateway = await predictions(ids);

    expect(stack.calls('GET /crm/v8/Contacts/{id}/Deals')).toBe(ids.length);
    expect(stack.calls('GET /crm/v8/Contacts')).toBe(Math.ceil(ids.length / 100));
    expect(stack.calls('GET /crm/v8/settings/fields')).toBe(0);

    const disagreements: string[] = [];
    const reasons = new Set<string>();
    for (const id of ids) {
      const mine = gateway.get(id)!;
      const theirs = await inbound(id);
      reasons.add(mine.reason);
      if ((mine.deal?.id ?? null) !== theirs.dealId || mine.reason !== theirs.reason) {
        disagreements.push(
          `${id}: gateway ${mine.deal?.id ?? null} (${mine.reason}), emulator ${theirs.dealId} (${theirs.reason})`,
        );
      }
      // The chosen deal heads the candidates, and is open.
      if (mine.deal)
        expect(mine.candidates[0]).toMatchObject({ deal: { id: mine.deal.id }, stageCategory: 'OPEN', eligible: true });
      else expect(mine.candidates.every((c) => !c.eligible)).toBe(true);
    }
    expect(disagreements).toEqual([]);
    // The demo org exercises every branch of the rule.
    expect([...reasons].sort()).toEqual(['MOST_RECENTLY_MODIFIED', 'NO_OPEN_DEAL', 'SINGLE_OPEN_DEAL']);
  });

  it('agrees on a tie of Modified_Time, which goes to the larger deal id', async () => {
    const db = stack.emulator.store.db;
    const open = new Set(
      stack.emulator.store
        .listStages(DEMO_ORG_ID)
        .filter((s) => s.forecast_type === 'Open')
        .map((s) => s.actual_value),
    );
    const contact = contactIds().find(
      (id) => stack.emulator.store.dealsOfContact(DEMO_ORG_ID, id).filter((d) => open.has(d.stage)).length >= 2,
    )!;
    const openDeals = stack.emulator.store.dealsOfContact(DEMO_ORG_ID, contact).filter((d) => open.has(d.stage));
    const tied = '2026-02-02T09:30:00+00:00';
    for (const d of openDeals) {
      const data = { ...JSON.parse(d.data), Modified_Time: tied };
      db.prepare('UPDATE deals SET modified_time = ?, data = ? WHERE id = ?').run(tied, JSON.stringify(data), d.id);
    }
    const largest = openDeals
      .map((d) => BigInt(d.id))
      .reduce((a, b) => (a > b ? a : b))
      .toString();

    const mine = (await predictions([contact])).get(contact)!;
    const theirs = await inbound(contact);

    expect(mine).toMatchObject({ reason: 'MOST_RECENTLY_MODIFIED', deal: { id: largest } });
    expect(theirs).toEqual({ dealId: largest, reason: 'MOST_RECENTLY_MODIFIED' });
  });
});
