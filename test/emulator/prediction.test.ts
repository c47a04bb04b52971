import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareDealIds, predictDeal, type PredictionDeal } from '../../src/emulator/domain/prediction.ts';
import { DEMO_CREDENTIALS, DEMO_ORG_ID } from '../../src/emulator/seed/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

const CONTACT = '5843104000005878180';
const OTHER = '5843104000000425349';

const stages = new Map<string, string>([
  ['Qualification', 'Open'],
  ['Negotiation/Review', 'Open'],
  ['Closed Won', 'Closed Won'],
  ['Closed Lost', 'Closed Lost'],
  ['Closed Lost to Competition', 'Closed Lost'],
]);

function deal(
  id: string,
  modifiedTime: string,
  stage: string,
  how: 'primary' | 'role' | 'unrelated' = 'primary',
): PredictionDeal {
  return {
    id,
    modifiedTime,
    stage,
    primaryContactId: how === 'primary' ? CONTACT : OTHER,
    contactRoleIds: how === 'role' ? [CONTACT] : [],
  };
}

function predict(deals: PredictionDeal[]) {
  return predictDeal({ contactId: CONTACT, deals, forecastTypeOfStage: stages });
}

describe('deal prediction, as a rule over plain data', () => {
  it('links to the only open deal', () => {
    const only = deal('1001', '2025-01-01T10:00:00+00:00', 'Qualification');
    const p = predict([only, deal('1002', '2025-06-01T10:00:00+00:00', 'Closed Won')]);
    expect(p.deal).toBe(only);
    expect(p.reason).toBe('single_open_deal');
  });

  it('counts a deal where the contact only holds a contact role', () => {
    const viaRole = deal('1003', '2025-01-01T10:00:00+00:00', 'Negotiation/Review', 'role');
    const p = predict([viaRole, deal('1004', '2025-09-01T10:00:00+00:00', 'Qualification', 'unrelated')]);
    expect(p.deal?.id).toBe('1003');
    expect(p.reason).toBe('single_open_deal');
  });

  it('picks the most recently modified of several open deals, whatever their relation', () => {
    const p = predict([
      deal('1005', '2025-03-01T10:00:00+00:00', 'Qualification'),
      deal('1006', '2025-03-02T10:00:00+00:00', 'Negotiation/Review', 'role'),
      deal('1007', '2025-02-01T10:00:00+00:00', 'Qualification'),
    ]);
    expect(p.deal?.id).toBe('1006');
    expect(p.reason).toBe('most_recently_modified');
    expect(p.candidates).toHaveLength(3);
  });

  it('compares times as instants, not as text with different offsets', () => {
    // 11:00+05:30 is 05:30Z, earlier than 06:00Z although its text sorts later.
    const p = predict([
      deal('1008', '2025-03-01T11:00:00+05:30', 'Qualification'),
      deal('1009', '2025-03-01T06:00:00+00:00', 'Qualification'),
    ]);
    expect(p.deal?.id).toBe('1009');
  });

  it('breaks a tie on Modified_Time by the larger deal id, compared as big integers', () => {
    const same = '2025-04-01T10:00:00+00:00';
    const p = predict([
      deal('999', same, 'Qualification'),
      deal('1000', same, 'Qualification'),
      deal('998', same, 'Qualification'),
    ]);
    expect(p.deal?.id).toBe('1000');
    expect(p.reason).toBe('tie_broken_by_larger_id');
  });

  it('lets a later deal win outright even when older deals tie', () => {
    const p = predict([
      deal('2001', '2025-04-01T10:00:00+00:00', 'Qualification'),
      deal('2002', '2025-04-01T10:00:00+00:00', 'Qualification'),
      deal('1999', '2025-04-02T10:00:00+00:00', 'Qualification'),
    ]);
    expect(p.deal?.id).toBe('1999');
    expect(p.reason).toBe('most_recently_modified');
  });

  it('never picks a closed deal, even a more recently modified one', () => {
    const p = predict([
      deal('3001', '2025-01-01T10:00:00+00:00', 'Qualification'),
      deal('3002', '2025-12-01T10:00:00+00:00', 'Closed Won'),
      deal('3003', '2025-12-02T10:00:00+00:00', 'Closed Lost to Competition'),
    ]);
    expect(p.deal?.id).toBe('3001');
  });

  it('links to nothing when the contact has no open deal', () => {
    const p = predict([
      deal('4001', '2025-01-01T10:00:00+00:00', 'Closed Lost'),
      deal('4002', '2025-01-01T10:00:00+00:00', 'Qualification', 'unrelated'),
      deal('4003', '2025-01-01T10:00:00+00:00', 'Unknown stage'),
    ]);
    expect(p).toEqual({ deal: null, reason: 'no_open_deal', candidates: [] });
  });

  it('under the not_closed_lost reading, lets a won deal win when it is the most recently modified', () => {
    const deals = [
      deal('5001', '2025-01-01T10:00:00+00:00', 'Qualification'),
      deal('5002', '2025-12-01T10:00:00+00:00', 'Closed Won'),
      deal('5003', '2025-12-02T10:00:00+00:00', 'Closed Lost to Competition'),
    ];
    const open = predict(deals);
    const notLost = predictDeal({
      contactId: CONTACT,
      deals,
      forecastTypeOfStage: stages,
      eligible: 'not_closed_lost',
    });
    expect([open.deal?.id, open.reason]).toEqual(['5001', 'single_open_deal']);
    expect([notLost.deal?.id, notLost.reason]).toEqual(['5002', 'most_recently_modified']);
    expect(notLost.candidates.map((d) => d.id)).toEqual(['5001', '5002']);
  });

  it('under the not_closed_lost reading, links a contact whose only deal is won, and never a lost one', () => {
    const won = deal('6001', '2025-01-01T10:00:00+00:00', 'Closed Won');
    const lost = deal('6002', '2025-02-01T10:00:00+00:00', 'Closed Lost');
    const unknown = deal('6003', '2025-03-01T10:00:00+00:00', 'Renamed stage');
    const p = predictDeal({
      contactId: CONTACT,
      deals: [won, lost, unknown],
      forecastTypeOfStage: stages,
      eligible: 'not_closed_lost',
    });
    expect(p.deal).toBe(won);
    expect(p.reason).toBe('single_open_deal');
    expect(predict([won, lost, unknown]).deal).toBeNull();
  });

  it('under the not_closed_lost reading, breaks a tie between an open and a won deal by the larger id', () => {
    const same = '2025-04-01T10:00:00+00:00';
    const p = predictDeal({
      contactId: CONTACT,
      deals: [deal('7001', same, 'Qualification'), deal('7002', same, 'Closed Won')],
      forecastTypeOfStage: stages,
      eligible: 'not_closed_lost',
    });
    expect([p.deal?.id, p.reason]).toEqual(['7002', 'tie_broken_by_larger_id']);
  });

  it('orders ids of different lengths numerically', () => {
    expect(compareDealIds('99', '100')).toBeLessThan(0);
    expect(compareDealIds('5843104000004382122', '5843104000004382121')).toBeGreaterThan(0);
    expect(compareDealIds('42', '42')).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP: the emulator applies the rule to mail delivered by the mailbox route and to received
// mail associated without a linked_record.
// ---------------------------------------------------------------------------------------------

describe('deal prediction in the emulator', () => {
  let emu: TestEmulator;
  let nextContact = 5843104000090000000n;

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.close());

  /** A fresh contact with exactly the given deals (test setup writes the store directly). */
  function contactWithDeals(
    deals: Array<{ id: string; stage: string; modified: string; via?: 'primary' | 'role' }>,
  ): string {
    const contactId = String(nextContact++);
    const db = emu.store.db;
    const owner = { name: DEMO_CREDENTIALS.userName, id: DEMO_CREDENTIALS.userId };
    db.prepare('INSERT INTO contacts(org_id, id, full_name, email, owner_id, data) VALUES (?, ?, ?, ?, ?, ?)').run(
      DEMO_ORG_ID,
      contactId,
      'Test Contact',
      `c${contactId}@example.com`,
      owner.id,
      JSON.stringify({
        id: contactId,
        Last_Name: 'Contact',
        Full_Name: 'Test Contact',
        Email: `c${contactId}@example.com`,
        Owner: owner,
      }),
    );
    for (const d of deals) {
      const primary = d.via === 'role' ? '5843104000000425349' : contactId;
      db.prepare(
        'INSERT INTO deals(org_id, id, deal_name, stage, contact_id, modified_time, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        DEMO_ORG_ID,
        d.id,
        `Deal ${d.id}`,
        d.stage,
        primary,
        d.modified,
        JSON.stringify({
          id: d.id,
          Deal_Name: `Deal ${d.id}`,
          Stage: d.stage,
          Modified_Time: d.modified,
          Contact_Name: { name: null, id: primary },
        }),
      );
      if (d.via === 'role') {
        db.prepare('INSERT INTO deal_contact_roles(org_id, deal_id, contact_id, role) VALUES (?, ?, ?, ?)').run(
          DEMO_ORG_ID,
          d.id,
          contactId,
          'Evaluator',
        );
      }
    }
    return contactId;
  }

  async function deliver(contactId: string) {
    const res = await emu.admin('POST', '/__emulator/inbound', {
      contactId,
      from: 'someone@example.com',
      subject: 'Question',
    });
    expect(res.status).toBe(200);
    return res.body as { message_id: string; linked_record: { id: string } | null; reason: string; rule: string };
  }

  async function setEligible(predictionEligible: 'open' | 'not_closed_lost') {
    expect((await emu.admin('PUT', '/__emulator/config', { predictionEligible })).body.predictionEligible).toBe(
      predictionEligible,
    );
  }

  it('links a received email to the contact’s only open deal', async () => {
    const c = contactWithDeals([
      { id: '5843104000091000001', stage: 'Qualification', modified: '2025-01-01T10:00:00-05:00' },
      { id: '5843104000091000002', stage: 'Closed Won', modified: '2025-06-01T10:00:00-05:00' },
    ]);
    const got = await deliver(c);
    expect(got.linked_record?.id).toBe('5843104000091000001');
    expect(got.reason).toBe('single_open_deal');
    const view = await emu.api('GET', `/crm/v8/Contacts/${c}/Emails/${got.message_id}`);
    expectMatchesOas('GET', `/crm/v8/Contacts/${c}/Emails/${got.message_id}`, view.status, view.body);
    expect(view.body.Emails[0]).toMatchObject({
      sent: false,
      linked_record: { id: '5843104000091000001', module: { api_name: 'Deals' } },
    });
  });

  it('counts a deal the contact only holds a contact role on', async () => {
    const c = contactWithDeals([
      { id: '5843104000091000011', stage: 'Needs Analysis', modified: '2025-01-01T10:00:00-05:00', via: 'role' },
    ]);
    expect((await deliver(c)).linked_record?.id).toBe('5843104000091000011');
  });

  it('picks the most recently modified open deal, and leaves every deal’s Modified_Time alone', async () => {
    const c = contactWithDeals([
      { id: '5843104000091000021', stage: 'Qualification', modified: '2025-03-01T10:00:00-05:00' },
      { id: '5843104000091000022', stage: 'Value Proposition', modified: '2025-03-05T10:00:00-05:00', via: 'role' },
      { id: '5843104000091000023', stage: 'Closed Lost', modified: '2025-09-01T10:00:00-05:00' },
    ]);
    const before = await emu.api('GET', '/crm/v8/Deals/5843104000091000022');
    const got = await deliver(c);
    expect(got).toMatchObject({ linked_record: { id: '5843104000091000022' }, reason: 'most_recently_modified' });
    const after = await emu.api('GET', '/crm/v8/Deals/5843104000091000022');
    expect(after.body.data[0].Modified_Time).toBe(before.body.data[0].Modified_Time);
  });

  it('breaks a tie by the larger deal id, compared as numbers', async () => {
    const same = '2025-04-01T10:00:00-05:00';
    const c = contactWithDeals([
      { id: '999999999999999999', stage: 'Qualification', modified: same },
      { id: '1000000000000000000', stage: 'Qualification', modified: same },
    ]);
    expect(await deliver(c)).toMatchObject({
      linked_record: { id: '1000000000000000000' },
      reason: 'tie_broken_by_larger_id',
    });
  });

  it('links nothing when no deal is open', async () => {
    const c = contactWithDeals([
      { id: '5843104000091000031', stage: 'Closed Lost to Competition', modified: '2025-01-01T10:00:00-05:00' },
      { id: '5843104000091000032', stage: 'Closed Won', modified: '2025-01-02T10:00:00-05:00' },
    ]);
    expect(await deliver(c)).toMatchObject({ linked_record: null, reason: 'no_open_deal' });
  });

  it('with predictionEligible "not_closed_lost", links to a newer won deal, or to a contact’s only won deal', async () => {
    const beside = contactWithDeals([
      { id: '5843104000091000051', stage: 'Qualification', modified: '2025-01-01T10:00:00-05:00' },
      { id: '5843104000091000052', stage: 'Closed Won', modified: '2025-02-01T10:00:00-05:00' },
      { id: '5843104000091000053', stage: 'Closed Lost', modified: '2025-03-01T10:00:00-05:00' },
    ]);
    const onlyWon = contactWithDeals([
      { id: '5843104000091000061', stage: 'Closed Won', modified: '2025-01-01T10:00:00-05:00' },
    ]);
    expect(await deliver(beside)).toMatchObject({
      linked_record: { id: '5843104000091000051' },
      reason: 'single_open_deal',
      rule: 'open',
    });
    expect(await deliver(onlyWon)).toMatchObject({ linked_record: null, reason: 'no_open_deal', rule: 'open' });
    await setEligible('not_closed_lost');
    try {
      expect(await deliver(beside)).toMatchObject({
        linked_record: { id: '5843104000091000052' },
        reason: 'most_recently_modified',
        rule: 'not_closed_lost',
      });
      expect(await deliver(onlyWon)).toMatchObject({
        linked_record: { id: '5843104000091000061' },
        reason: 'single_open_deal',
        rule: 'not_closed_lost',
      });
    } finally {
      await setEligible('open');
    }
  });

  it('with predictionEligible "not_closed_lost", breaks a tie between an open and a won deal by the larger id', async () => {
    const same = '2025-04-01T10:00:00-05:00';
    const c = contactWithDeals([
      { id: '5843104000091000072', stage: 'Qualification', modified: same },
      { id: '5843104000091000071', stage: 'Closed Won', modified: same },
      { id: '5843104000091000073', stage: 'Closed Lost', modified: same },
    ]);
    await setEligible('not_closed_lost');
    try {
      expect(await deliver(c)).toMatchObject({
        linked_record: { id: '5843104000091000072' },
        reason: 'tie_broken_by_larger_id',
      });
    } finally {
      await setEligible('open');
    }
  });

  it('refuses a predictionEligible that is neither reading', async () => {
    const res = await emu.admin('PUT', '/__emulator/config', { predictionEligible: 'won' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/predictionEligible/);
  });

  it('applies to a received email associated without a linked_record, not to a sent one', async () => {
    const c = contactWithDeals([
      { id: '5843104000091000041', stage: 'Qualification', modified: '2025-01-01T10:00:00-05:00' },
    ]);
    const associate = async (sent: boolean, omid: string) => {
      const path = `/crm/v8/Contacts/${c}/actions/associate_email`;
      const res = await emu.api('POST', path, {
        body: {
          Emails: [
            {
              from: { user_name: 'X', email: 'x@example.com' },
              to: [{ user_name: 'Y', email: 'y@example.com' }],
              subject: 'Hi',
              content: 'Hi',
              date_time: '2025-05-01T09:00:00-05:00',
              sent,
              original_message_id: omid,
            },
          ],
        },
      });
      expectMatchesOas('POST', path, res.status, res.body);
      expect(res.status).toBe(201);
      const view = await emu.api('GET', `/crm/v8/Contacts/${c}/Emails/${res.body.Emails[0].details.message_id}`);
      return view.body.Emails[0].linked_record?.id ?? null;
    };
    expect(await associate(false, '<received-1@example.com>')).toBe('5843104000091000041');
    expect(await associate(true, '<sent-1@example.com>')).toBeNull();
  });
});
