/**
 * Contact.dealPrediction is the gateway's own implementation of the article's rule. Here it is
 * held against the emulator's: for every contact of the demo org, the deal the gateway predicts
 * must be the deal the emulator links a newly received email to (POST /__emulator/inbound).
 *
 * The article's rule reads two ways ("the most recently modified deal, provided the deal is not
 * closed-lost"): only Open deals, or every deal but Closed Lost ones. Both sides take the reading
 * as a setting (the gateway's ZOHO_PREDICTION_ELIGIBLE, the emulator's predictionEligible), so
 * each reading is checked here with its own stack, and the demo contacts where the readings
 * disagree are checked to come out differently. Inbound creates emails, so this file has its own
 * stacks.
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
        rule
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

type Candidate = { deal: { id: string }; stageCategory: string | null; modifiedAt: string | null; eligible: boolean };
type Prediction = { reason: string; rule: string; deal: { id: string } | null; candidates: Candidate[] };
type Rule = 'OPEN' | 'NOT_CLOSED_LOST';
const EMULATOR_SETTING = { OPEN: 'open', NOT_CLOSED_LOST: 'not_closed_lost' } as const;

const stacks = {} as Record<Rule, Stack>;
beforeAll(async () => {
  for (const rule of ['OPEN', 'NOT_CLOSED_LOST'] as const) {
    stacks[rule] = await startStack({
      emulator: { predictionEligible: EMULATOR_SETTING[rule] },
      gateway: { predictionRule: rule },
    });
  }
});
afterAll(async () => {
  await Promise.all(Object.values(stacks).map((s) => s.close()));
});

/** The gateway's predictions, 100 contacts per request. */
async function predictions(stack: Stack, ids: string[]): Promise<Map<string, Prediction>> {
  const out = new Map<string, Prediction>();
  for (let i = 0; i < ids.length; i += 100) {
    const res = await stack.gql(PREDICTION, { ids: ids.slice(i, i + 100) });
    expect(res.errors).toBeUndefined();
    for (const c of res.data.contacts as Array<{ id: string; dealPrediction: Prediction }>)
      out.set(c.id, c.dealPrediction);
  }
  return out;
}

/** What the emulator's mailbox does with an email received now. */
async function inbound(stack: Stack, contactId: string): Promise<{ dealId: string | null; reason: string }> {
  const res = await stack.emulator.admin('POST', '/__emulator/inbound', { contactId, subject: 'Checking in' });
  expect(res.status).toBe(200);
  return { dealId: res.body.linked_record?.id ?? null, reason: REASONS[res.body.reason] ?? res.body.reason };
}

function contactIds(stack: Stack): string[] {
  return (
    stack.emulator.store.db.prepare('SELECT id FROM contacts WHERE org_id = ? ORDER BY id').all(DEMO_ORG_ID) as Array<{
      id: string;
    }>
  ).map((r) => r.id);
}

const forecastTypes = (stack: Stack) =>
  new Map(stack.emulator.store.listStages(DEMO_ORG_ID).map((s) => [s.actual_value, s.forecast_type]));

describe.each(['OPEN', 'NOT_CLOSED_LOST'] as const)('dealPrediction against the emulator, rule %s', (rule) => {
  it('agrees on the deal and the reason for every contact of the demo org, at one related-deals call per contact', async () => {
    const stack = stacks[rule];
    const ids = contactIds(stack);
    expect(ids.length).toBeGreaterThanOrEqual(100);
    await stack.gql(`{ deal(id: "5843104000004382122") { stageCategory } }`);
    stack.resetStats();

    const gateway = await predictions(stack, ids);

    expect(stack.calls('GET /crm/v8/Contacts/{id}/Deals')).toBe(ids.length);
    expect(stack.calls('GET /crm/v8/Contacts')).toBe(Math.ceil(ids.length / 100));
    expect(stack.calls('GET /crm/v8/settings/fields')).toBe(0);

    const disagreements: string[] = [];
    const reasons = new Set<string>();
    const chosen = new Set<string>();
    for (const id of ids) {
      const mine = gateway.get(id)!;
      expect(mine.rule).toBe(rule);
      const theirs = await inbound(stack, id);
      reasons.add(mine.reason);
      if ((mine.deal?.id ?? null) !== theirs.dealId || mine.reason !== theirs.reason) {
        disagreements.push(
          `${id}: gateway ${mine.deal?.id ?? null} (${mine.reason}), emulator ${theirs.dealId} (${theirs.reason})`,
        );
      }
      // The chosen deal heads the candidates, and is eligible; a lost deal never is.
      if (mine.deal) {
        expect(mine.candidates[0]).toMatchObject({ deal: { id: mine.deal.id }, eligible: true });
        chosen.add(mine.candidates[0]!.stageCategory!);
      } else expect(mine.candidates.every((c) => !c.eligible)).toBe(true);
      for (const c of mine.candidates)
        expect(c.eligible).toBe(rule === 'OPEN' ? c.stageCategory === 'OPEN' : c.stageCategory !== 'CLOSED_LOST');
    }
    expect(disagreements).toEqual([]);
    // The demo org exercises every branch of the rule, and under NOT_CLOSED_LOST won deals win.
    expect([...reasons].sort()).toEqual(['MOST_RECENTLY_MODIFIED', 'NO_OPEN_DEAL', 'SINGLE_OPEN_DEAL']);
    expect([...chosen].sort()).toEqual(rule === 'OPEN' ? ['OPEN'] : ['CLOSED_WON', 'OPEN']);
  });
});

describe('the two readings of the rule', () => {
  // Counted over the deals prediction considers (primary contact and contact roles). Counting
  // primary-contact deals only, the split is 19 and 29 (docs/emulator.md).
  it('disagree for the 48 demo contacts whose newest deal not lost is won: 21 beside an open deal, 27 with none', async () => {
    const ids = contactIds(stacks.OPEN);
    const [open, notLost] = await Promise.all([
      predictions(stacks.OPEN, ids),
      predictions(stacks.NOT_CLOSED_LOST, ids),
    ]);
    const differ = ids.filter((id) => (open.get(id)!.deal?.id ?? null) !== (notLost.get(id)!.deal?.id ?? null));
    const wonChosen = ids.filter((id) => notLost.get(id)!.candidates[0]?.stageCategory === 'CLOSED_WON');
    expect(differ).toEqual(wonChosen);
    const besideOpen = differ.filter((id) => open.get(id)!.deal !== null);
    expect({
      total: differ.length,
      besideOpen: besideOpen.length,
      noOpenDeal: differ.length - besideOpen.length,
    }).toEqual({ total: 48, besideOpen: 21, noOpenDeal: 27 });
    // Where they disagree, the OPEN reading takes the newest open deal, or none.
    for (const id of besideOpen) expect(open.get(id)!.candidates[0]!.stageCategory).toBe('OPEN');
    // And the emulator, set to each reading, links a new email as the gateway with that reading predicts.
    for (const id of differ) {
      expect((await inbound(stacks.OPEN, id)).dealId).toBe(open.get(id)!.deal?.id ?? null);
      expect((await inbound(stacks.NOT_CLOSED_LOST, id)).dealId).toBe(notLost.get(id)!.deal!.id);
    }
  });
});

describe.each(['OPEN', 'NOT_CLOSED_LOST'] as const)('a tie of Modified_Time, rule %s', (rule) => {
  it('goes to the larger id among the eligible deals, through the API and in the emulator alike', async () => {
    const stack = stacks[rule];
    const store = stack.emulator.store;
    const types = forecastTypes(stack);
    const eligible = (stage: string) =>
      rule === 'OPEN' ? types.get(stage) === 'Open' : types.get(stage) !== 'Closed Lost';
    // Under NOT_CLOSED_LOST the tie is between an open and a won deal, with a lost one beside.
    const contact = contactIds(stack).find((id) => {
      const deals = store.dealsOfContact(DEMO_ORG_ID, id);
      const kinds = new Set(deals.map((d) => types.get(d.stage)));
      return rule === 'OPEN'
        ? deals.filter((d) => eligible(d.stage)).length >= 2
        : kinds.has('Open') && kinds.has('Closed Won') && kinds.has('Closed Lost');
    })!;
    expect(contact).toBeDefined();
    const deals = store.dealsOfContact(DEMO_ORG_ID, contact);
    const tied = '2026-02-02T09:30:00+00:00';
    for (const d of deals) {
      const data = { ...JSON.parse(d.data), Modified_Time: tied };
      store.db
        .prepare('UPDATE deals SET modified_time = ?, data = ? WHERE id = ?')
        .run(tied, JSON.stringify(data), d.id);
    }
    const largest = deals
      .filter((d) => eligible(d.stage))
      .map((d) => BigInt(d.id))
      .reduce((a, b) => (a > b ? a : b))
      .toString();

    const mine = (await predictions(stack, [contact])).get(contact)!;
    const theirs = await inbound(stack, contact);

    expect(mine).toMatchObject({ reason: 'MOST_RECENTLY_MODIFIED', rule, deal: { id: largest } });
    expect(theirs).toEqual({ dealId: largest, reason: 'MOST_RECENTLY_MODIFIED' });
  });
});
