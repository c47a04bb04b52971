/**
 * The `peer-hive-gateway` variant: Hive Gateway serving a supergraph that GraphQL Mesh composed
 * from Zoho's OAS files (email_related_records.json, record.json, deal_link_emails.yaml), with
 * the remote $refs mapped to local copies. It lives in bench/peers with its own package.json and
 * is installed there on the first run. Each REST operation becomes one GraphQL field, so a
 * workload is the client-side sequence of round trips a team would write against it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { ROOT, spawnChild, type Child } from './proc.ts';
import { chunk, dealAt, groupBy, smallReadContact, type EmailRef, type Fixture } from './fixtures.ts';
import type { OpOutcome } from './loop.ts';

const PEERS = path.join(ROOT, 'bench/peers');
const WORK = path.join(PEERS, '.work');
const REMOTE_PREFIX = 'https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/';

/** Installs the peer's packages on first use (never part of the root install). */
export function installPeer(log: (s: string) => void): void {
  const bin = path.join(PEERS, 'node_modules/.bin/hive-gateway');
  if (existsSync(bin) && existsSync(path.join(PEERS, 'node_modules/.bin/mesh-compose'))) return;
  log('installing the peer (bench/peers) on first run…');
  execFileSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
    timeout: 600_000,
  });
}

/**
 * Copies the OAS files with their remote $refs pointing at the local copies, then composes a
 * supergraph whose endpoint is `upstreamUrl` (the emulator or the stub); returns its path.
 */
export function composePeer(upstreamUrl: string, token: string, name: string): string {
  const out = path.join(WORK, `supergraph-${name}.graphql`);
  mkdirSync(path.join(WORK, 'oas'), { recursive: true });
  const src = path.join(ROOT, 'third_party/zoho-oas');
  for (const f of readdirSync(src)) {
    if (!/\.(json|yaml)$/.test(f)) continue;
    writeFileSync(path.join(WORK, 'oas', f), readFileSync(path.join(src, f), 'utf8').replaceAll(REMOTE_PREFIX, './'));
  }
  execFileSync(process.execPath, [path.join(PEERS, 'node_modules/.bin/mesh-compose'), '-o', out], {
    cwd: PEERS,
    env: { ...process.env, PEER_ZOHO_URL: upstreamUrl, PEER_ZOHO_TOKEN: token },
    stdio: 'pipe',
    timeout: 120_000,
  });
  return out;
}

export async function startPeer(port: number, supergraph: string): Promise<{ child: Child; url: string }> {
  const child = spawnChild(path.join(PEERS, 'node_modules/.bin/hive-gateway'), {
    ts: false,
    cwd: PEERS,
    args: ['supergraph', supergraph, '--port', String(port), '--host', '127.0.0.1', '--fork', '0'],
    env: { NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.proc.exitCode !== null)
      throw new Error(`hive-gateway did not start:\n${child.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, url };
}

// ----------------------------------------------------------------------------------- operations

async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(`peer: ${res.status} ${body.errors?.[0]?.message ?? ''}`);
  return body;
}

// The OAS marks owner_id mandatory on Get Emails (docs/zoho-notes.md §7: the docs say it is not); Mesh enforces it.
const OWNER = DEMO_CREDENTIALS.userId;

async function dealName(url: string, id: string): Promise<string> {
  const { data } = await gql(
    url,
    `query($id: String!) { Get_Record(module_api_name: "Deals", id: $id) { ... on Response_Wrapper { data { id additionalProperties } } } }`,
    { id },
  );
  const rec = data.Get_Record?.data?.[0];
  return (rec?.additionalProperties?.Deal_Name as string | undefined) ?? '';
}

/** One mutation with an aliased linkEmailsToDeals per 20 emails of a contact. */
async function link(
  url: string,
  emails: ReadonlyArray<EmailRef>,
  deal: { id: string; name: string },
): Promise<OpOutcome> {
  const calls = [...groupBy(emails, (e) => e.contactId)].flatMap(([contactId, g]) =>
    chunk(g, 20).map((part) => ({ contactId, part })),
  );
  const vars: Record<string, unknown> = {};
  const fields = calls.map((c, k) => {
    vars[`c${k}`] = c.contactId;
    vars[`i${k}`] = {
      Emails: c.part.map((e) => ({
        message_id: e.messageId,
        owner: { id: e.ownerId },
        linked_record: {
          module: { api_name: 'Deals', id: DEMO_CREDENTIALS.dealsModuleId },
          id: deal.id,
          name: deal.name,
        },
      })),
    };
    return `l${k}: linkEmailsToDeals(contactId: $c${k}, input: $i${k}) { __typename }`;
  });
  const decl = calls.map((_, k) => `$c${k}: ContactId_parameter!, $i${k}: linkEmailsToDeals_request_Input`).join(', ');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation(${decl}) { ${fields.join('\n')} }`, variables: vars }),
  });
  const body = (await res.json()) as { data?: Record<string, { __typename: string } | null> };
  let ok = 0;
  let failed = 0;
  calls.forEach((c, k) => {
    if (body.data?.[`l${k}`]?.__typename === 'linkEmailsToDeals_200_response') ok += c.part.length;
    else failed += c.part.length;
  });
  return { succeededItems: ok, failedItems: failed };
}

async function owners(url: string, emails: readonly EmailRef[]): Promise<EmailRef[]> {
  const vars: Record<string, unknown> = {};
  const fields = emails.map((e, k) => {
    vars[`r${k}`] = e.contactId;
    vars[`m${k}`] = e.messageId;
    return `e${k}: Get_Emails_Related_Record(module_name: "Contacts", record_id: $r${k}, message_id: $m${k}, owner_id: "${OWNER}") { ... on wrapper { Emails { owner { id } } } }`;
  });
  const decl = emails.map((_, k) => `$r${k}: String!, $m${k}: String!`).join(', ');
  const { data } = await gql(url, `query(${decl}) { ${fields.join('\n')} }`, vars);
  return emails.map((e, k) => ({ ...e, ownerId: data[`e${k}`]?.Emails?.[0]?.owner?.id ?? e.ownerId }));
}

async function readOp(url: string, fx: Extract<Fixture, { kind: 'read' }>): Promise<OpOutcome> {
  const page = (ids: string[], index: Map<string, string>) => {
    const vars: Record<string, unknown> = {};
    const fields = ids.map((id, k) => {
      vars[`r${k}`] = id;
      vars[`x${k}`] = index.get(id) ?? null;
      return `c${k}: Get_Emails_Related_Records(module_name: "Contacts", record_id: $r${k}, index: $x${k}, owner_id: "${OWNER}") { ... on wrapper { Emails { message_id subject linked_record { id name } } info { next_index more_records } } }`;
    });
    const decl = ids.map((_, k) => `$r${k}: String!, $x${k}: String`).join(', ');
    return gql(url, `query(${decl}) { ${fields.join('\n')} }`, vars);
  };
  const got = new Map<string, any[]>(fx.contactIds.map((id) => [id, []]));
  // Zoho's OAS declares an email's linked_record non-nullable: Mesh turns every unlinked email
  // into a null list item (with an error). Counted as failed items.
  let lost = 0;
  const next = new Map<string, string>();
  let todo = [...fx.contactIds];
  // Round trips until every contact has its emails: the cursor of page 1 is needed for page 2.
  for (let round = 0; todo.length > 0 && round < 10; round++) {
    const { data } = await page(todo, next);
    const still: string[] = [];
    todo.forEach((id, k) => {
      const w = data[`c${k}`];
      const list = got.get(id)!;
      list.push(...(w?.Emails ?? []));
      if (list.length < fx.perContact && w?.info?.more_records && w.info.next_index) {
        next.set(id, w.info.next_index);
        still.push(id);
      }
    });
    todo = still;
  }
  for (const l of got.values()) lost += l.slice(0, fx.perContact).filter((e) => e === null).length;
  const linked = new Set(
    [...got.values()].flatMap((l) =>
      l.slice(0, fx.perContact).flatMap((e: any) => (e?.linked_record?.id ? [e.linked_record.id] : [])),
    ),
  );
  for (const ids of chunk([...linked], 100)) {
    await gql(
      url,
      `query($ids: String!) { Get_Records(module_api_name: "Deals", ids: $ids, fields: "Deal_Name,Stage") { ... on Response_Wrapper { data { id additionalProperties } } } }`,
      {
        ids: ids.join(','),
      },
    );
  }
  return { failedItems: lost, succeededItems: fx.contactIds.length * fx.perContact - lost };
}

export async function peerOp(url: string, fx: Fixture, i: number): Promise<OpOutcome> {
  switch (fx.kind) {
    case 'link': {
      const dealId = dealAt(fx.dealIds, i);
      const [name, emails] = await Promise.all([
        dealName(url, dealId),
        fx.withOwner ? fx.emails : owners(url, fx.emails),
      ]);
      return link(url, emails, { id: dealId, name });
    }
    case 'link-throughput': {
      const batch = fx.batches[i % fx.batches.length]!;
      const dealId = dealAt(fx.dealIds, Math.floor(i / fx.batches.length));
      return link(url, batch, { id: dealId, name: await dealName(url, dealId) });
    }
    case 'read':
      return readOp(url, fx);
    case 'small-read': {
      const { data } = await gql(
        url,
        `query($id: String!) { Get_Emails_Related_Records(module_name: "Contacts", record_id: $id, owner_id: "${OWNER}") { ... on wrapper { Emails { message_id subject time } } } }`,
        { id: smallReadContact(fx, i) },
      );
      if (!data.Get_Emails_Related_Records?.Emails) throw new Error('peer: no emails');
      return {};
    }
    case 'move':
      throw new Error('not expressible');
  }
}

/** The body autocannon sends to the peer for workload 5. */
export function peerSmallReadBody(contactId: string): string {
  return JSON.stringify({
    query: `query($id: String!) { Get_Emails_Related_Records(module_name: "Contacts", record_id: $id, owner_id: "${OWNER}") { ... on wrapper { Emails { message_id subject time } } } }`,
    variables: { id: contactId },
  });
}
