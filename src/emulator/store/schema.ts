/**
 * SQLite schema of the emulator. Multi-org and multi-user throughout: every row carries its
 * org, tokens belong to a user of an org, so a second org or user is only more seed rows.
 * Records keep their Zoho-shaped JSON in `data`; the columns beside it are what queries need.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS orgs (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL                     -- the GET /org object
);

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  full_name TEXT NOT NULL,
  email TEXT NOT NULL,
  data TEXT NOT NULL                     -- the GET /users/{id} object
);
CREATE INDEX IF NOT EXISTS users_org ON users(org_id);

CREATE TABLE IF NOT EXISTS oauth_clients (
  client_id TEXT PRIMARY KEY,
  client_secret TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES orgs(id)
);

CREATE TABLE IF NOT EXISTS refresh_tokens (
  token TEXT PRIMARY KEY,
  client_id TEXT NOT NULL REFERENCES oauth_clients(client_id),
  user_id TEXT NOT NULL REFERENCES users(id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  scope TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS access_tokens (
  token TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  client_id TEXT,
  refresh_token TEXT,                    -- null for tokens minted through the admin API
  issued_at INTEGER NOT NULL,            -- epoch ms; expiry = issued_at + the current TTL
  revoked_at INTEGER                     -- epoch ms; set when a newer token exceeded the live-token limit
);
CREATE INDEX IF NOT EXISTS access_tokens_refresh ON access_tokens(refresh_token, issued_at);

CREATE TABLE IF NOT EXISTS modules (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  api_name TEXT NOT NULL,
  id TEXT NOT NULL,
  singular_label TEXT NOT NULL,
  plural_label TEXT NOT NULL,
  PRIMARY KEY (org_id, api_name)
);

-- The Deals Stage picklist; forecast_type decides open / closed (docs/zoho-notes.md §12).
CREATE TABLE IF NOT EXISTS stages (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  actual_value TEXT NOT NULL,
  display_value TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  forecast_type TEXT NOT NULL CHECK (forecast_type IN ('Open', 'Closed Won', 'Closed Lost')),
  forecast_category TEXT NOT NULL,       -- Pipeline / Closed / Omitted
  probability INTEGER NOT NULL,
  PRIMARY KEY (org_id, actual_value)
);

CREATE TABLE IF NOT EXISTS contacts (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  full_name TEXT NOT NULL,
  email TEXT,
  owner_id TEXT NOT NULL,
  data TEXT NOT NULL,                    -- Zoho-shaped record, all fields
  PRIMARY KEY (org_id, id)
);
CREATE INDEX IF NOT EXISTS contacts_email ON contacts(org_id, email);

CREATE TABLE IF NOT EXISTS deals (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  deal_name TEXT NOT NULL,
  stage TEXT NOT NULL,
  contact_id TEXT,                       -- Contact_Name, the primary contact
  modified_time TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX IF NOT EXISTS deals_contact ON deals(org_id, contact_id);

CREATE TABLE IF NOT EXISTS deal_contact_roles (
  org_id TEXT NOT NULL,
  deal_id TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (org_id, deal_id, contact_id)
);
CREATE INDEX IF NOT EXISTS deal_contact_roles_contact ON deal_contact_roles(org_id, contact_id);

-- One email of one mailbox. Which records it is listed under is email_records; the deal it is
-- linked to (Link Deal to Emails, deal prediction) is linked_deal_id.
CREATE TABLE IF NOT EXISTS emails (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  message_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,                -- the user whose mailbox holds it
  kind TEXT NOT NULL CHECK (kind IN ('synced', 'crm_sent', 'scheduled', 'draft')),
  sent INTEGER NOT NULL,                 -- 1 = sent by the user, 0 = received
  time TEXT NOT NULL,                    -- ISO 8601 with offset, as Zoho shows it
  time_ms INTEGER NOT NULL,              -- for ordering
  subject TEXT,
  from_addr TEXT NOT NULL,               -- JSON {user_name, email}
  to_addrs TEXT NOT NULL,                -- JSON [{user_name, email}]
  cc_addrs TEXT,                         -- JSON or null
  reply_to TEXT,                         -- JSON or null
  status TEXT NOT NULL,                  -- JSON [{type, ...}]
  read INTEGER NOT NULL,
  source TEXT,
  summary TEXT,
  intent TEXT,
  sentiment_info TEXT,
  emotion TEXT,
  thread_id TEXT NOT NULL,
  has_attachment INTEGER NOT NULL,
  has_thread_attachment INTEGER NOT NULL,
  attachments TEXT NOT NULL,             -- JSON [{id, name, size}]
  content TEXT NOT NULL,
  mail_format TEXT NOT NULL,
  original_message_id TEXT,              -- RFC 5322 Message-ID (associate_email de-duplication)
  linked_deal_id TEXT,
  PRIMARY KEY (org_id, message_id)
);
CREATE INDEX IF NOT EXISTS emails_deal ON emails(org_id, linked_deal_id);
CREATE INDEX IF NOT EXISTS emails_original ON emails(org_id, original_message_id);

CREATE TABLE IF NOT EXISTS email_records (
  org_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  module TEXT NOT NULL,                  -- 'Contacts' | 'Deals' | ...
  record_id TEXT NOT NULL,
  PRIMARY KEY (org_id, message_id, module, record_id)
);
CREATE INDEX IF NOT EXISTS email_records_record ON email_records(org_id, module, record_id);
`;

/** Tables that hold the org's data (cleared on reseed); tokens and OAuth clients survive. */
export const DATA_TABLES = [
  'email_records',
  'emails',
  'deal_contact_roles',
  'deals',
  'contacts',
  'stages',
  'modules',
] as const;
