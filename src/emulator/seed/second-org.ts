/**
 * A second org with its own OAuth client and user, and a refresh token for the demo org's second
 * (non-admin) user. They exist to prove isolation: one org's tokens never see the other's
 * records, and a user who is not an administrator reads and links only their own mail.
 *
 * Credentials come from the admin API: `POST /__emulator/tokens` with `{"org":"second"}` or
 * `{"user":"<user id>"}`.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.ts';
import type { EmailRow } from '../store/rows.ts';
import { DEMO_CREDENTIALS, DEMO_ORG_ID, DEMO_SECOND_USER_ID, STAGES, zohoTime, zohoUserJson } from './demo.ts';

export const SECOND_ORG = {
  orgId: '7100200000000016011',
  companyName: 'Globex Imports',
  userId: '7100200000000424672',
  userName: 'Hana Sato',
  userEmail: 'hana.sato@globex-imports.example',
  clientId: '1000.GLOBEXEMULATORSECONDCLIENT',
  clientSecret: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c',
  refreshToken: '1000.2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e1b.4f6a8c0e2b4d6f8a1c3e5b7d9f0a2c4e',
  contactsModuleId: '7100200000000002179',
  dealsModuleId: '7100200000000003735',
  contactId: '7100200000001000001',
  otherContactId: '7100200000001000002',
  openDealId: '7100200000004000001',
  closedDealId: '7100200000004000002',
  scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ',
} as const;

/** The refresh token of the demo org's second user (Daniel Okafor, Standard profile). */
export const DEMO_SECOND_USER_REFRESH_TOKEN = '1000.8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c.1d3f5b7d9f1b3d5f7b9d1f3b5d7f9b1d';

const NOW_MS = Date.parse('2026-01-15T17:00:00Z');
const DAY_MS = 86_400_000;

/** The refresh token behind an admin-API selector, or undefined when it names nobody. */
export function refreshTokenFor(store: Store, selector: { org?: unknown; user?: unknown }): string | undefined {
  if (selector.org !== undefined) {
    if (selector.org === 'second' || selector.org === SECOND_ORG.orgId) return SECOND_ORG.refreshToken;
    if (selector.org === 'demo' || selector.org === DEMO_ORG_ID) return DEMO_CREDENTIALS.refreshToken;
    return undefined;
  }
  if (typeof selector.user !== 'string') return undefined;
  const row = store.db
    .prepare('SELECT token FROM refresh_tokens WHERE user_id = ? ORDER BY token LIMIT 1')
    .get(selector.user) as { token: string } | undefined;
  return row?.token;
}

function userJson(id: string, first: string, last: string, email: string) {
  return zohoUserJson({
    id,
    first,
    last,
    email,
    role: { name: 'CEO', id: '7100200000000026005' },
    profile: { name: 'Administrator', id: '7100200000000026011' },
    createdDaysAgo: 400,
    modifiedDaysAgo: 10,
  });
}

export function seedSecondOrg(store: Store): void {
  const db = store.db;
  const o = SECOND_ORG;
  // The demo org's second user gets credentials of their own (same OAuth client as the demo).
  db.prepare(
    'INSERT OR REPLACE INTO refresh_tokens(token, client_id, user_id, org_id, scope) VALUES (?, ?, ?, ?, ?)',
  ).run(
    DEMO_SECOND_USER_REFRESH_TOKEN,
    DEMO_CREDENTIALS.clientId,
    DEMO_SECOND_USER_ID,
    DEMO_ORG_ID,
    DEMO_CREDENTIALS.scope,
  );

  const org = {
    id: o.orgId,
    company_name: o.companyName,
    alias: null,
    primary_email: o.userEmail,
    domain_name: 'org100200',
    time_zone: 'America/New_York',
    currency: 'US Dollar - USD',
    currency_symbol: '$',
    iso_code: 'USD',
    country_code: 'US',
    country: 'United States',
    zgid: '100200',
    type: 'production',
    primary_zuid: String(BigInt(o.userId) % 1_000_000_000n),
    mc_status: false,
    gapps_enabled: false,
    privacy_settings: false,
    license_details: {
      paid: true,
      paid_type: 'professional',
      users_license_purchased: 3,
      trial_type: null,
      paid_expiry: null,
    },
  };
  db.prepare('INSERT OR REPLACE INTO orgs(id, data) VALUES (?, ?)').run(o.orgId, JSON.stringify(org));
  db.prepare('INSERT OR REPLACE INTO users(id, org_id, full_name, email, data) VALUES (?, ?, ?, ?, ?)').run(
    o.userId,
    o.orgId,
    o.userName,
    o.userEmail,
    JSON.stringify(userJson(o.userId, 'Hana', 'Sato', o.userEmail)),
  );
  db.prepare('INSERT OR REPLACE INTO oauth_clients(client_id, client_secret, org_id) VALUES (?, ?, ?)').run(
    o.clientId,
    o.clientSecret,
    o.orgId,
  );
  db.prepare(
    'INSERT OR REPLACE INTO refresh_tokens(token, client_id, user_id, org_id, scope) VALUES (?, ?, ?, ?, ?)',
  ).run(o.refreshToken, o.clientId, o.userId, o.orgId, o.scope);

  const insertModule = db.prepare(
    'INSERT INTO modules(org_id, api_name, id, singular_label, plural_label) VALUES (?, ?, ?, ?, ?)',
  );
  insertModule.run(o.orgId, 'Contacts', o.contactsModuleId, 'Contact', 'Contacts');
  insertModule.run(o.orgId, 'Deals', o.dealsModuleId, 'Deal', 'Deals');
  const insertStage = db.prepare(
    'INSERT INTO stages(org_id, id, actual_value, display_value, sequence_number, forecast_type, forecast_category, probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  STAGES.forEach((s, i) =>
    insertStage.run(
      o.orgId,
      String(7100200000000006801n + BigInt(i * 2)),
      s.name,
      s.name,
      i + 1,
      s.forecast_type,
      s.category,
      s.probability,
    ),
  );

  const owner = { name: o.userName, id: o.userId, email: o.userEmail };
  const contacts = [
    { id: o.contactId, first: 'Kenji', last: 'Mori', email: 'kenji.mori@initech.example' },
    { id: o.otherContactId, first: 'Aiko', last: 'Tanaka', email: 'aiko.tanaka@initech.example' },
  ];
  const insertContact = db.prepare(
    'INSERT INTO contacts(org_id, id, full_name, email, owner_id, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const [i, c] of contacts.entries()) {
    const data = {
      id: c.id,
      First_Name: c.first,
      Last_Name: c.last,
      Full_Name: `${c.first} ${c.last}`,
      Email: c.email,
      Secondary_Email: null,
      Phone: `+1 555 010 ${2000 + i}`,
      Account_Name: { name: 'Initech', id: '7100200000000700001' },
      Owner: owner,
      Created_By: owner,
      Modified_By: owner,
      Created_Time: zohoTime(NOW_MS - (200 + i) * DAY_MS),
      Modified_Time: zohoTime(NOW_MS - (20 + i) * DAY_MS),
      Tag: [],
    };
    insertContact.run(o.orgId, c.id, data.Full_Name, c.email, o.userId, JSON.stringify(data));
  }

  const deals = [
    { id: o.openDealId, name: 'Initech Freight Contract', stage: 'Value Proposition', modifiedMs: NOW_MS - 4 * DAY_MS },
    { id: o.closedDealId, name: 'Initech Customs Audit', stage: 'Closed Won', modifiedMs: NOW_MS - 90 * DAY_MS },
  ];
  const insertDeal = db.prepare(
    'INSERT INTO deals(org_id, id, deal_name, stage, contact_id, modified_time, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const d of deals) {
    const stage = STAGES.find((s) => s.name === d.stage)!;
    const data = {
      id: d.id,
      Deal_Name: d.name,
      Stage: d.stage,
      Amount: 48000,
      Probability: stage.probability,
      Closing_Date: new Date(d.modifiedMs + 30 * DAY_MS).toISOString().slice(0, 10),
      Pipeline: 'Standard (Standard)',
      Contact_Name: { name: 'Kenji Mori', id: o.contactId },
      Account_Name: { name: 'Initech', id: '7100200000000700001' },
      Owner: owner,
      Created_By: owner,
      Modified_By: owner,
      Created_Time: zohoTime(d.modifiedMs - 40 * DAY_MS),
      Modified_Time: zohoTime(d.modifiedMs),
      Tag: [],
    };
    insertDeal.run(o.orgId, d.id, d.name, d.stage, o.contactId, data.Modified_Time, JSON.stringify(data));
  }

  const contactAddr = { user_name: 'Kenji Mori', email: 'kenji.mori@initech.example' };
  const ownerAddr = { user_name: o.userName, email: o.userEmail };
  for (let n = 0; n < 6; n++) {
    const messageId = createHash('sha256').update(`${o.orgId}:email:${n}`).digest('hex');
    const sent = n % 2 === 1;
    const timeMs = NOW_MS - (n + 1) * DAY_MS;
    const row: EmailRow = {
      org_id: o.orgId,
      message_id: messageId,
      owner_id: o.userId,
      kind: 'synced',
      sent: sent ? 1 : 0,
      time: zohoTime(timeMs),
      time_ms: timeMs,
      subject: sent ? 'Freight contract: revised terms' : 'Re: Freight contract',
      from_addr: JSON.stringify(sent ? ownerAddr : contactAddr),
      to_addrs: JSON.stringify([sent ? contactAddr : ownerAddr]),
      cc_addrs: null,
      reply_to: null,
      status: JSON.stringify(sent ? [{ type: 'sent', bounced_time: null, bounced_reason: null }] : []),
      read: 1,
      source: 'individual',
      summary: null,
      intent: null,
      sentiment_info: null,
      emotion: null,
      thread_id: String(7100000000000000000n + BigInt(n)),
      has_attachment: 0,
      has_thread_attachment: 0,
      attachments: '[]',
      content: '<div>Freight terms attached.</div>',
      mail_format: 'html',
      original_message_id: `<globex-${n}@initech.example>`,
      linked_deal_id: sent ? null : o.openDealId,
    };
    store.insertEmail(row);
    store.fileEmailUnder(o.orgId, messageId, 'Contacts', o.contactId);
  }
}
