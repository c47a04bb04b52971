/**
 * The demo org: deterministic (a seeded PRNG and a fixed "now"), a few hundred contacts, deals in
 * every forecast type, thousands of emails, and the Kaizen #229 article's records exactly, so that
 * every request in the article replays against it with the article's answers.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { Prng } from './prng.ts';
import {
  CITIES,
  COMPANIES,
  CONTACT_ROLES,
  CONTACT_TITLES,
  DEAL_PRODUCTS,
  DEAL_TYPES,
  FIRST_NAMES,
  INBOUND,
  LAST_NAMES,
  LEAD_SOURCES,
  OUTBOUND,
} from './words.ts';
import type { EmailKind, EmailRow } from '../store/rows.ts';

// ---------------------------------------------------------------- the article's ids (Kaizen #229)
export const ARTICLE = {
  contactWithManyEmails: '5843104000005878180',
  contactOfMultiLink: '5843104000000425349',
  dealTravelInsurance: '5843104000004382122',
  dealsModuleId: '5843104000000003735',
  userPatriciaBoyle: '5843104000000424672',
  emailOfFirstContact: 'b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77',
  emailsOfSecondContact: [
    '8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1',
    '6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5',
  ],
} as const;

export const DEMO_ORG_ID = '5843104000000016011';
/** A second user of the demo org: owns some contacts and mailboxes (owner mismatch cases). */
export const DEMO_SECOND_USER_ID = '5843104000000424688';
export const CONTACTS_MODULE_ID = '5843104000000002179';

/** Demo OAuth credentials: usable through ZOHO_* exactly like Zoho's (printed by `npm run emulator`). */
export const DEMO_CREDENTIALS = {
  clientId: '1000.ZYLKEREMULATORDEMOCLIENT01',
  clientSecret: '5a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e',
  refreshToken: '1000.6d1c3f0b8e2a4d7c9b5e1f3a2c4d6e8f.0b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d',
  userId: ARTICLE.userPatriciaBoyle,
  userName: 'Patricia Boyle',
  orgId: DEMO_ORG_ID,
  dealsModuleId: ARTICLE.dealsModuleId,
  scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ',
} as const;

/** The demo's "now": the data is dated relative to it so that every run is identical. */
const NOW_MS = Date.parse('2026-01-15T17:00:00Z');
const DAY_MS = 86_400_000;
/** The org's offset (America/New_York, standard time), as Zoho prints times in the org's zone. */
const OFFSET = '-05:00';

export function zohoTime(ms: number): string {
  return new Date(ms - 5 * 3_600_000).toISOString().slice(0, 19) + OFFSET;
}

export const STAGES: ReadonlyArray<{
  name: string;
  forecast_type: 'Open' | 'Closed Won' | 'Closed Lost';
  category: string;
  probability: number;
}> = [
  { name: 'Qualification', forecast_type: 'Open', category: 'Pipeline', probability: 10 },
  { name: 'Needs Analysis', forecast_type: 'Open', category: 'Pipeline', probability: 20 },
  { name: 'Value Proposition', forecast_type: 'Open', category: 'Pipeline', probability: 40 },
  { name: 'Identify Decision Makers', forecast_type: 'Open', category: 'Pipeline', probability: 60 },
  { name: 'Proposal/Price Quote', forecast_type: 'Open', category: 'Pipeline', probability: 75 },
  { name: 'Negotiation/Review', forecast_type: 'Open', category: 'Pipeline', probability: 90 },
  { name: 'Closed Won', forecast_type: 'Closed Won', category: 'Closed', probability: 100 },
  { name: 'Closed Lost', forecast_type: 'Closed Lost', category: 'Omitted', probability: 0 },
  { name: 'Closed Lost to Competition', forecast_type: 'Closed Lost', category: 'Omitted', probability: 0 },
];
const STAGE_BY_NAME = new Map(STAGES.map((s) => [s.name, s]));

interface Person {
  id: string;
  name: string;
  email: string;
}
interface Contact {
  id: string;
  first: string;
  last: string;
  email: string;
  ownerId: string;
  company: readonly [string, string];
}
interface Deal {
  id: string;
  name: string;
  stage: string;
  contactId: string;
  ownerId: string;
  modifiedMs: number;
  product: string;
}

/**
 * Zoho's samples show message ids of 64 and of 96 hex characters, without saying which mail gets
 * which. Here mail sent from CRM (sent, scheduled, drafts) has 96 and mailbox mail 64, so that
 * clients meet both.
 */
function messageIdOf(n: number, long: boolean): string {
  const id = createHash('sha256').update(`${DEMO_ORG_ID}:email:${n}`).digest('hex');
  return long ? id + createHash('sha256').update(`${DEMO_ORG_ID}:email:${n}:tail`).digest('hex').slice(0, 32) : id;
}

/** A user as `GET /users/{id}` answers it; shared by every org's seed. */
export function zohoUserJson(u: {
  id: string;
  first: string;
  last: string;
  email: string;
  role: { name: string; id: string };
  profile: { name: string; id: string };
  createdDaysAgo: number;
  modifiedDaysAgo: number;
}) {
  return {
    id: u.id,
    first_name: u.first,
    last_name: u.last,
    full_name: `${u.first} ${u.last}`,
    email: u.email,
    status: 'active',
    confirm: true,
    zuid: String(BigInt(u.id) % 1_000_000_000n),
    role: u.role,
    profile: u.profile,
    country_locale: 'en_US',
    locale: 'en_US',
    language: 'en_US',
    time_format: 'hh:mm a',
    date_format: 'MMM d, yyyy',
    created_time: zohoTime(NOW_MS - u.createdDaysAgo * DAY_MS),
    Modified_Time: zohoTime(NOW_MS - u.modifiedDaysAgo * DAY_MS),
  };
}

function userJson(id: string, first: string, last: string, email: string, role: string, profile: string) {
  return zohoUserJson({
    id,
    first,
    last,
    email,
    role: { name: role, id: role === 'CEO' ? '5843104000000026005' : '5843104000000026008' },
    profile: { name: profile, id: profile === 'Administrator' ? '5843104000000026011' : '5843104000000026014' },
    createdDaysAgo: 900,
    modifiedDaysAgo: 30,
  });
}

/** Seeds the demo org into an empty set of data tables (orgs/users/OAuth rows are upserted). */
export function seedDemoOrg(db: Database.Database): void {
  const rnd = new Prng(229);
  const patricia: Person = {
    id: ARTICLE.userPatriciaBoyle,
    name: 'Patricia Boyle',
    email: 'patricia.boyle@zylkertravel.com',
  };
  const daniel: Person = { id: DEMO_SECOND_USER_ID, name: 'Daniel Okafor', email: 'daniel.okafor@zylkertravel.com' };
  const users = [patricia, daniel];
  const userById = new Map(users.map((u) => [u.id, u]));

  // ------------------------------------------------------------ org, users, OAuth
  const org = {
    id: DEMO_ORG_ID,
    company_name: 'Zylker Travel',
    alias: null,
    primary_email: patricia.email,
    domain_name: 'org843104',
    time_zone: 'America/New_York',
    currency: 'US Dollar - USD',
    currency_symbol: '$',
    iso_code: 'USD',
    country_code: 'US',
    country: 'United States',
    zgid: '843104',
    type: 'production',
    primary_zuid: String(BigInt(patricia.id) % 1_000_000_000n),
    mc_status: false,
    gapps_enabled: false,
    privacy_settings: false,
    license_details: {
      paid: true,
      paid_type: 'enterprise',
      users_license_purchased: 10,
      trial_type: null,
      paid_expiry: null,
    },
  };
  db.prepare('INSERT OR REPLACE INTO orgs(id, data) VALUES (?, ?)').run(DEMO_ORG_ID, JSON.stringify(org));
  const insertUser = db.prepare(
    'INSERT OR REPLACE INTO users(id, org_id, full_name, email, data) VALUES (?, ?, ?, ?, ?)',
  );
  insertUser.run(
    patricia.id,
    DEMO_ORG_ID,
    patricia.name,
    patricia.email,
    JSON.stringify(userJson(patricia.id, 'Patricia', 'Boyle', patricia.email, 'CEO', 'Administrator')),
  );
  insertUser.run(
    daniel.id,
    DEMO_ORG_ID,
    daniel.name,
    daniel.email,
    JSON.stringify(userJson(daniel.id, 'Daniel', 'Okafor', daniel.email, 'Sales Rep', 'Standard')),
  );
  db.prepare('INSERT OR REPLACE INTO oauth_clients(client_id, client_secret, org_id) VALUES (?, ?, ?)').run(
    DEMO_CREDENTIALS.clientId,
    DEMO_CREDENTIALS.clientSecret,
    DEMO_ORG_ID,
  );
  db.prepare(
    'INSERT OR REPLACE INTO refresh_tokens(token, client_id, user_id, org_id, scope) VALUES (?, ?, ?, ?, ?)',
  ).run(DEMO_CREDENTIALS.refreshToken, DEMO_CREDENTIALS.clientId, patricia.id, DEMO_ORG_ID, DEMO_CREDENTIALS.scope);

  // ------------------------------------------------------------ modules and the Stage picklist
  const insertModule = db.prepare(
    'INSERT INTO modules(org_id, api_name, id, singular_label, plural_label) VALUES (?, ?, ?, ?, ?)',
  );
  insertModule.run(DEMO_ORG_ID, 'Contacts', CONTACTS_MODULE_ID, 'Contact', 'Contacts');
  insertModule.run(DEMO_ORG_ID, 'Deals', ARTICLE.dealsModuleId, 'Deal', 'Deals');
  const insertStage = db.prepare(
    'INSERT INTO stages(org_id, id, actual_value, display_value, sequence_number, forecast_type, forecast_category, probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  STAGES.forEach((s, i) =>
    insertStage.run(
      DEMO_ORG_ID,
      String(5843104000000006801n + BigInt(i * 2)),
      s.name,
      s.name,
      i + 1,
      s.forecast_type,
      s.category,
      s.probability,
    ),
  );

  // ------------------------------------------------------------ contacts
  const contacts: Contact[] = [];
  const firstContact: Contact = {
    id: ARTICLE.contactWithManyEmails,
    first: 'Rebecca',
    last: 'Lindqvist',
    email: 'rebecca.lindqvist@northwindtraders.com',
    ownerId: patricia.id,
    company: COMPANIES[0],
  };
  const secondContact: Contact = {
    id: ARTICLE.contactOfMultiLink,
    first: 'Marcus',
    last: 'Hale',
    email: 'marcus.hale@northwindtraders.com',
    ownerId: patricia.id,
    company: COMPANIES[0],
  };
  contacts.push(firstContact, secondContact);
  for (let i = 0; i < 298; i++) {
    const first = rnd.pick(FIRST_NAMES);
    const last = rnd.pick(LAST_NAMES);
    const company = rnd.pick(COMPANIES);
    contacts.push({
      id: String(5843104000001000000n + BigInt(i * 1013)),
      first,
      last,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i % 7 === 0 ? i : ''}@${company[1]}`,
      ownerId: rnd.chance(0.8) ? patricia.id : daniel.id,
      company,
    });
  }
  const accountIdOf = (company: readonly [string, string]) =>
    String(5843104000000700000n + BigInt(COMPANIES.findIndex((c) => c[0] === company[0]) * 211));

  const insertContact = db.prepare(
    'INSERT INTO contacts(org_id, id, full_name, email, owner_id, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const c of contacts) {
    const owner = userById.get(c.ownerId)!;
    const created = NOW_MS - rnd.int(120, 800) * DAY_MS - rnd.int(0, DAY_MS);
    const data = {
      id: c.id,
      First_Name: c.first,
      Last_Name: c.last,
      Full_Name: `${c.first} ${c.last}`,
      Email: c.email,
      Secondary_Email: null,
      Phone: `+1 555 ${String(rnd.int(100, 999))} ${String(rnd.int(1000, 9999))}`,
      Mobile: null,
      Title: rnd.pick(CONTACT_TITLES),
      Department: null,
      Mailing_City: rnd.pick(CITIES),
      Account_Name: { name: c.company[0], id: accountIdOf(c.company) },
      Lead_Source: rnd.pick(LEAD_SOURCES),
      Owner: { name: owner.name, id: owner.id, email: owner.email },
      Created_By: { name: patricia.name, id: patricia.id, email: patricia.email },
      Modified_By: { name: owner.name, id: owner.id, email: owner.email },
      Created_Time: zohoTime(created),
      Modified_Time: zohoTime(created + rnd.int(1, 100) * DAY_MS),
      Email_Opt_Out: false,
      Description: null,
      Tag: [],
    };
    insertContact.run(DEMO_ORG_ID, c.id, data.Full_Name, c.email, c.ownerId, JSON.stringify(data));
  }

  // ------------------------------------------------------------ deals and contact roles
  const deals: Deal[] = [];
  const roles: Array<{ dealId: string; contactId: string; role: string }> = [];
  // The article's deal: primary contact is the first contact, the second holds a contact role.
  deals.push({
    id: ARTICLE.dealTravelInsurance,
    name: 'Travel Insurance',
    stage: 'Negotiation/Review',
    contactId: firstContact.id,
    ownerId: patricia.id,
    modifiedMs: NOW_MS - 3 * DAY_MS,
    product: 'Travel Insurance',
  });
  roles.push({ dealId: ARTICLE.dealTravelInsurance, contactId: secondContact.id, role: 'Decision Maker' });
  // A second open deal for the first contact (≥2 open deals), and a lost one.
  deals.push({
    id: '5843104000004382290',
    name: 'Northwind Group Travel Package',
    stage: 'Proposal/Price Quote',
    contactId: firstContact.id,
    ownerId: patricia.id,
    modifiedMs: NOW_MS - 9 * DAY_MS,
    product: 'Group Travel Package',
  });
  deals.push({
    id: '5843104000003911021',
    name: 'Northwind Ski Retreat',
    stage: 'Closed Lost to Competition',
    contactId: firstContact.id,
    ownerId: patricia.id,
    modifiedMs: NOW_MS - 140 * DAY_MS,
    product: 'Ski Retreat',
  });
  deals.push({
    id: '5843104000004102233',
    name: 'Northwind Conference Travel',
    stage: 'Closed Won',
    contactId: secondContact.id,
    ownerId: patricia.id,
    modifiedMs: NOW_MS - 60 * DAY_MS,
    product: 'Conference Travel',
  });

  const openStages = STAGES.filter((s) => s.forecast_type === 'Open').map((s) => s.name);
  let dealSeq = 0;
  for (const c of contacts.slice(2)) {
    const n = rnd.weighted([
      [0, 30],
      [1, 40],
      [2, 20],
      [3, 10],
    ] as const);
    for (let k = 0; k < n; k++) {
      const product = rnd.pick(DEAL_PRODUCTS);
      const stage = rnd.weighted([
        ...openStages.map((s) => [s, 9] as const),
        ['Closed Won', 14] as const,
        ['Closed Lost', 9] as const,
        ['Closed Lost to Competition', 5] as const,
      ]);
      const id = String(5843104000003000000n + BigInt(dealSeq++ * 977));
      deals.push({
        id,
        name: `${c.company[0].split(' ')[0]} ${product}`,
        stage,
        contactId: c.id,
        ownerId: c.ownerId,
        modifiedMs: NOW_MS - rnd.int(1, 200) * DAY_MS - rnd.int(0, DAY_MS),
        product,
      });
      if (rnd.chance(0.15)) {
        const other = rnd.pick(contacts.slice(2));
        if (other.id !== c.id) roles.push({ dealId: id, contactId: other.id, role: rnd.pick(CONTACT_ROLES) });
      }
    }
  }
  const contactById = new Map(contacts.map((c) => [c.id, c]));
  const insertDeal = db.prepare(
    'INSERT INTO deals(org_id, id, deal_name, stage, contact_id, modified_time, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const d of deals) {
    const c = contactById.get(d.contactId)!;
    const owner = userById.get(d.ownerId)!;
    const stage = STAGE_BY_NAME.get(d.stage)!;
    const amount = rnd.int(20, 400) * 250;
    const created = d.modifiedMs - rnd.int(5, 120) * DAY_MS;
    const data = {
      id: d.id,
      Deal_Name: d.name,
      Stage: d.stage,
      Amount: amount,
      Probability: stage.probability,
      Expected_Revenue: Math.round((amount * stage.probability) / 100),
      Closing_Date: new Date(d.modifiedMs + rnd.int(-20, 60) * DAY_MS).toISOString().slice(0, 10),
      Pipeline: 'Standard (Standard)',
      Type: rnd.pick(DEAL_TYPES),
      Lead_Source: rnd.pick(LEAD_SOURCES),
      Next_Step: stage.forecast_type === 'Open' ? 'Follow up on proposal' : null,
      Contact_Name: { name: `${c.first} ${c.last}`, id: c.id },
      Account_Name: { name: c.company[0], id: accountIdOf(c.company) },
      Owner: { name: owner.name, id: owner.id, email: owner.email },
      Created_By: { name: owner.name, id: owner.id, email: owner.email },
      Modified_By: { name: owner.name, id: owner.id, email: owner.email },
      Created_Time: zohoTime(created),
      Modified_Time: zohoTime(d.modifiedMs),
      Reason_For_Loss__s: stage.forecast_type === 'Closed Lost' ? 'Price' : null,
      Description: null,
      Tag: [],
    };
    insertDeal.run(DEMO_ORG_ID, d.id, d.name, d.stage, d.contactId, data.Modified_Time, JSON.stringify(data));
  }
  const insertRole = db.prepare(
    'INSERT OR IGNORE INTO deal_contact_roles(org_id, deal_id, contact_id, role) VALUES (?, ?, ?, ?)',
  );
  for (const r of roles) insertRole.run(DEMO_ORG_ID, r.dealId, r.contactId, r.role);

  // ------------------------------------------------------------ emails
  const dealsOf = new Map<string, Deal[]>();
  const addDealOf = (contactId: string, d: Deal) => dealsOf.set(contactId, [...(dealsOf.get(contactId) ?? []), d]);
  const dealById = new Map(deals.map((d) => [d.id, d]));
  for (const d of deals) addDealOf(d.contactId, d);
  for (const r of roles) addDealOf(r.contactId, dealById.get(r.dealId)!);

  const insertEmail = db.prepare(
    `INSERT INTO emails (org_id, message_id, owner_id, kind, sent, time, time_ms, subject, from_addr, to_addrs, cc_addrs,
      reply_to, status, read, source, summary, intent, sentiment_info, emotion, thread_id, has_attachment,
      has_thread_attachment, attachments, content, mail_format, original_message_id, linked_deal_id)
     VALUES (@org_id, @message_id, @owner_id, @kind, @sent, @time, @time_ms, @subject, @from_addr, @to_addrs, @cc_addrs,
      @reply_to, @status, @read, @source, @summary, @intent, @sentiment_info, @emotion, @thread_id, @has_attachment,
      @has_thread_attachment, @attachments, @content, @mail_format, @original_message_id, @linked_deal_id)`,
  );
  const insertFiling = db.prepare(
    'INSERT OR IGNORE INTO email_records(org_id, message_id, module, record_id) VALUES (?, ?, ?, ?)',
  );

  let emailSeq = 0;
  const statusNone = { bounced_time: null, bounced_reason: null };
  const makeEmail = (
    c: Contact,
    opts: { messageId?: string; ownerId?: string; sent?: boolean; timeMs?: number; link?: 'predict' | 'none' },
  ) => {
    const n = emailSeq++;
    // One email in ten sits in the other user's mailbox (a colleague on the thread).
    const other = c.ownerId === patricia.id ? daniel.id : patricia.id;
    const owner = userById.get(opts.ownerId ?? (rnd.chance(0.1) ? other : c.ownerId))!;
    const sent = opts.sent ?? rnd.chance(0.45);
    const timeMs = opts.timeMs ?? NOW_MS - rnd.int(0, 240) * DAY_MS - rnd.int(0, DAY_MS);
    const candidates = dealsOf.get(c.id) ?? [];
    const open = candidates.filter((d) => STAGE_BY_NAME.get(d.stage)!.forecast_type === 'Open');
    const topic = (open[0] ?? candidates[0])?.product ?? rnd.pick(DEAL_PRODUCTS);
    const kind: EmailKind = sent
      ? rnd.weighted([
          ['synced', 55],
          ['crm_sent', 35],
          ['scheduled', 5],
          ['draft', 5],
        ] as const)
      : 'synced';
    const messageId = opts.messageId ?? messageIdOf(n, kind !== 'synced');
    const contactAddr = { user_name: `${c.first} ${c.last}`, email: c.email };
    const ownerAddr = { user_name: owner.name, email: owner.email };
    let subject: string;
    let summary: string | null;
    let intent: string | null = null;
    let sentiment: string | null = null;
    let emotion: string | null = null;
    if (sent) {
      const [s, sum] = rnd.pick(OUTBOUND);
      subject = s.replace('{deal}', topic);
      summary = rnd.chance(0.7) ? sum.replaceAll('{deal}', topic) : null;
    } else {
      const [s, i, se, em, sum] = rnd.pick(INBOUND);
      subject = s.replace('{deal}', topic);
      intent = i;
      sentiment = se;
      emotion = em;
      summary = sum.replaceAll('{deal}', topic);
    }
    let status: object[];
    if (kind === 'draft') status = [{ type: 'draft', ...statusNone }];
    else if (kind === 'scheduled') status = [{ type: 'scheduled', ...statusNone }];
    // Zoho's statuses (sent, opened, bounced) track mail the user sent; received mail has none.
    else if (!sent) status = [];
    else if (rnd.chance(0.04))
      status = [
        {
          type: 'bounced',
          bounced_time: zohoTime(timeMs + 60_000),
          bounced_reason: 'Mailbox unavailable',
          category: 'hard',
          sub_category: 'mailbox_unavailable',
        },
      ];
    else if (rnd.chance(0.65)) {
      const first = timeMs + rnd.int(5, 600) * 60_000;
      status = [
        {
          type: 'opened',
          first_open: zohoTime(first),
          last_open: zohoTime(first + rnd.int(0, 72) * 3_600_000),
          count: String(rnd.int(1, 6)),
          ...statusNone,
        },
      ];
    } else status = [{ type: 'sent', ...statusNone }];
    const hasAttachment = rnd.chance(0.12);
    let linked: string | null = null;
    if (opts.link !== 'none' && kind !== 'draft' && kind !== 'scheduled') {
      if (!sent && open.length > 0 && rnd.chance(0.85)) {
        // As deal prediction would have linked it: the most recently modified open deal.
        linked = [...open].sort((a, b) => b.modifiedMs - a.modifiedMs || (BigInt(b.id) > BigInt(a.id) ? 1 : -1))[0]!.id;
      } else if (sent && candidates.length > 0 && rnd.chance(0.5)) {
        linked = rnd.pick(candidates).id;
      }
    }
    const greeting = sent ? `Hi ${c.first},` : `Hi ${owner.name.split(' ')[0]},`;
    const signature = sent ? `${owner.name}<br>Zylker Travel` : `${c.first} ${c.last}<br>${c.company[0]}`;
    const row: EmailRow = {
      org_id: DEMO_ORG_ID,
      message_id: messageId,
      owner_id: owner.id,
      kind,
      sent: sent ? 1 : 0,
      time: zohoTime(timeMs),
      time_ms: timeMs,
      subject,
      from_addr: JSON.stringify(sent ? ownerAddr : contactAddr),
      to_addrs: JSON.stringify([sent ? contactAddr : ownerAddr]),
      cc_addrs: rnd.chance(0.2)
        ? JSON.stringify([{ user_name: 'Zylker Travel Desk', email: 'desk@zylkertravel.com' }])
        : null,
      reply_to: JSON.stringify(sent ? ownerAddr : contactAddr),
      status: JSON.stringify(status),
      read: sent || rnd.chance(0.8) ? 1 : 0,
      source: kind === 'synced' ? 'individual' : 'crm',
      summary,
      intent,
      sentiment_info: sentiment,
      emotion,
      thread_id: String(1700000000000000000n + BigInt(n * 7919)),
      has_attachment: hasAttachment ? 1 : 0,
      has_thread_attachment: hasAttachment || rnd.chance(0.05) ? 1 : 0,
      attachments: JSON.stringify(
        hasAttachment
          ? [
              {
                id: String(5843104000009000000n + BigInt(n)),
                name: `${topic.replaceAll(' ', '_')}.pdf`,
                size: String(rnd.int(20_000, 900_000)),
              },
            ]
          : [],
      ),
      content: `<div>${greeting}<br><br>${summary ?? subject}<br><br>Best regards,<br>${signature}</div>`,
      mail_format: 'html',
      original_message_id: `<${messageId.slice(0, 24)}@${sent ? 'zylkertravel.com' : c.company[1]}>`,
      linked_deal_id: linked,
    };
    insertEmail.run(row);
    insertFiling.run(DEMO_ORG_ID, messageId, 'Contacts', c.id);
    return row;
  };

  // The article's emails, all Patricia's. b9c24f3b… starts linked to the contact's other open
  // deal, as a wrong prediction that the article's link request then corrects.
  makeEmail(firstContact, {
    messageId: ARTICLE.emailOfFirstContact,
    ownerId: patricia.id,
    sent: false,
    timeMs: NOW_MS - 2 * DAY_MS,
    link: 'none',
  });
  db.prepare('UPDATE emails SET linked_deal_id = ? WHERE org_id = ? AND message_id = ?').run(
    '5843104000004382290',
    DEMO_ORG_ID,
    ARTICLE.emailOfFirstContact,
  );
  for (const [i, id] of ARTICLE.emailsOfSecondContact.entries())
    makeEmail(secondContact, {
      messageId: id,
      ownerId: patricia.id,
      sent: i === 1,
      timeMs: NOW_MS - (5 + i) * DAY_MS,
      link: 'none',
    });
  for (let i = 0; i < 64; i++) makeEmail(firstContact, {});
  for (let i = 0; i < 9; i++) makeEmail(secondContact, {});
  for (const c of contacts.slice(2)) {
    // About one contact in eight has no mail at all (Get Emails answers 204 there).
    const n = rnd.chance(0.12) ? 0 : rnd.int(1, 22);
    for (let i = 0; i < n; i++) makeEmail(c, {});
  }
}
