/** The demo org: deterministic, realistic, and holding the article's records exactly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { seedAll } from '../../src/emulator/seed/index.ts';
import { Store } from '../../src/emulator/store/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const count = (sql: string, ...args: unknown[]) => (emu.store.db.prepare(sql).get(...args) as { n: number }).n;

describe('the demo org', () => {
  it('is the same on every seed', () => {
    const dump = (store: Store) =>
      ['contacts', 'deals', 'deal_contact_roles', 'emails', 'email_records', 'stages']
        .map((t) => JSON.stringify(store.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()))
        .join('\n');
    const a = new Store(':memory:');
    const b = new Store(':memory:');
    try {
      seedAll(a);
      seedAll(b);
      expect(dump(a)).toBe(dump(b));
    } finally {
      a.close();
      b.close();
    }
  });

  it('seeds in well under a second', () => {
    const store = new Store(':memory:');
    const started = performance.now();
    seedAll(store);
    expect(performance.now() - started).toBeLessThan(1000);
    store.close();
  });

  it('has a few hundred contacts, deals in every forecast type, and thousands of emails', () => {
    expect(count('SELECT COUNT(*) n FROM contacts')).toBeGreaterThanOrEqual(200);
    expect(count('SELECT COUNT(*) n FROM emails')).toBeGreaterThanOrEqual(2000);
    const types = emu.store.db
      .prepare(
        'SELECT DISTINCT s.forecast_type t FROM deals d JOIN stages s ON s.org_id = d.org_id AND s.actual_value = d.stage',
      )
      .all();
    expect(types.map((r: any) => r.t).sort()).toEqual(['Closed Lost', 'Closed Won', 'Open']);
    expect(
      count(
        'SELECT COUNT(*) n FROM emails WHERE summary IS NOT NULL AND intent IS NOT NULL AND sentiment_info IS NOT NULL',
      ),
    ).toBeGreaterThan(500);
  });

  it('has message ids of 64 hex (mailbox mail) and of 96 hex (mail sent from CRM), as Zoho samples show', () => {
    expect(count(`SELECT COUNT(*) AS n FROM emails WHERE length(message_id) = 64 AND kind = 'synced'`)).toBeGreaterThan(
      100,
    );
    expect(
      count(`SELECT COUNT(*) AS n FROM emails WHERE length(message_id) = 96 AND kind != 'synced'`),
    ).toBeGreaterThan(100);
    expect(count(`SELECT COUNT(*) AS n FROM emails WHERE length(message_id) NOT IN (64, 96)`)).toBe(0);
  });

  it('gives received mail no delivery status, and sent mail the statuses Zoho samples show', () => {
    expect(count(`SELECT COUNT(*) AS n FROM emails WHERE sent = 0 AND status != '[]'`)).toBe(0);
    const types = emu.store.db
      .prepare(`SELECT DISTINCT json_extract(status, '$[0].type') AS t FROM emails WHERE sent = 1 ORDER BY t`)
      .all()
      .map((r: any) => r.t);
    expect(types).toEqual(['bounced', 'draft', 'opened', 'scheduled', 'sent']);
  });

  it('has a Stage picklist with forecast types, two of them Closed Lost', () => {
    const stages = emu.store.listStages(ARTICLE.dealTravelInsurance ? emu.store.getOrg('5843104000000016011')!.id : '');
    expect(stages.filter((s) => s.forecast_type === 'Closed Lost')).toHaveLength(2);
    expect(stages.filter((s) => s.forecast_type === 'Closed Won')).toHaveLength(1);
    expect(stages.filter((s) => s.forecast_type === 'Open').length).toBeGreaterThanOrEqual(3);
  });

  it('has several contacts with more than one open deal', () => {
    const rows = emu.store.db
      .prepare(
        `SELECT c.id, COUNT(*) n FROM contacts c JOIN deals d ON d.org_id = c.org_id
           AND (d.contact_id = c.id OR d.id IN (SELECT deal_id FROM deal_contact_roles r WHERE r.contact_id = c.id))
         JOIN stages s ON s.org_id = d.org_id AND s.actual_value = d.stage AND s.forecast_type = 'Open'
         GROUP BY c.id HAVING n > 1`,
      )
      .all();
    expect(rows.length).toBeGreaterThanOrEqual(5);
  });

  it("holds the article's records exactly", async () => {
    const user = await emu.api('GET', `/crm/v8/users/${ARTICLE.userPatriciaBoyle}`);
    expect(user.body.users[0].full_name).toBe('Patricia Boyle');
    const deal = await emu.api('GET', `/crm/v8/Deals/${ARTICLE.dealTravelInsurance}`);
    expect(deal.body.data[0].Deal_Name).toBe('Travel Insurance');
    expect(emu.store.getModule('5843104000000016011', 'Deals')?.id).toBe(ARTICLE.dealsModuleId);
    for (const contact of [ARTICLE.contactWithManyEmails, ARTICLE.contactOfMultiLink])
      expect(emu.store.isDealRelatedToContact('5843104000000016011', ARTICLE.dealTravelInsurance, contact)).toBe(true);
    const owned = (contact: string, id: string) => {
      expect(emu.store.isEmailUnder('5843104000000016011', id, 'Contacts', contact)).toBe(true);
      expect(emu.store.getEmail('5843104000000016011', id)?.owner_id).toBe(ARTICLE.userPatriciaBoyle);
    };
    owned(ARTICLE.contactWithManyEmails, ARTICLE.emailOfFirstContact);
    for (const id of ARTICLE.emailsOfSecondContact) owned(ARTICLE.contactOfMultiLink, id);
  });

  it('gives contact 5843104000005878180 at least 60 emails and at least two open deals', () => {
    expect(
      count(
        "SELECT COUNT(*) n FROM email_records WHERE module = 'Contacts' AND record_id = ?",
        ARTICLE.contactWithManyEmails,
      ),
    ).toBeGreaterThanOrEqual(60);
    const open = emu.store
      .dealsOfContact('5843104000000016011', ARTICLE.contactWithManyEmails)
      .filter(
        (d) =>
          emu.store.listStages('5843104000000016011').find((s) => s.actual_value === d.stage)?.forecast_type === 'Open',
      );
    expect(open.length).toBeGreaterThanOrEqual(2);
  });
});
