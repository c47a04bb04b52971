/**
 * The `floor` variant: plain `node:http` in and out, no GraphQL, no framework. It turns the same
 * small read into its one Zoho call and a link of emails into the calls a link needs (the deal's
 * name, the mailbox owners when not given, one link call per 20 emails of a contact), and answers
 * the JSON. What serving these operations over HTTP costs at the very least, in its own process.
 *
 *   GET  /contacts/{id}/emails?first=N   → {"emails": [{messageId, subject, sentAt}]}, 404 for an unknown contact
 *   POST /link {dealId, emails: [{contactId, messageId, ownerId?}]} → {"results": [{contactId, messageId, status}]}
 *
 * Like the gateway it keeps to Zoho's 10 calls in flight, retries a 429 (at most 5 attempts), and
 * fetches the token, the Deals module id and users' names once per process.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_CREDENTIALS } from '../../src/emulator/seed/demo.ts';
import type {
  ZohoDeal,
  ZohoEmailDetailResponse,
  ZohoEmailsResponse,
  ZohoLinkResponse,
  ZohoModulesResponse,
  ZohoRecordsResponse,
  ZohoUsersResponse,
} from '../../src/wire/index.ts';
import { chunk, groupBy } from './fixtures.ts';
import { semaphore } from './loop.ts';

const base = process.env.BENCH_ZOHO_URL!;
const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
const limit = semaphore(10);

function once(method: string, path: string, body?: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (token) headers.authorization = `Zoho-oauthtoken ${token}`;
    if (body !== undefined) {
      headers['content-type'] = path.startsWith('/oauth') ? 'application/x-www-form-urlencoded' : 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(`${base}${path}`, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const tokenRes = await once(
  'POST',
  '/oauth/v2/token',
  new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: DEMO_CREDENTIALS.clientId,
    client_secret: DEMO_CREDENTIALS.clientSecret,
    refresh_token: DEMO_CREDENTIALS.refreshToken,
  }).toString(),
);
const token = (JSON.parse(tokenRes.text) as { access_token: string }).access_token;

async function zoho<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T | null }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    const r = await limit(() => once(method, `/crm/v8${path}`, text, token));
    if (r.status !== 429 || attempt >= 5) return { status: r.status, data: r.text ? (JSON.parse(r.text) as T) : null };
    await new Promise((res) => setTimeout(res, 20 * attempt));
  }
}

let moduleId: Promise<string> | null = null;
const dealsModuleId = () =>
  (moduleId ??= zoho<ZohoModulesResponse>('GET', '/settings/modules').then(
    (r) => r.data?.modules.find((m) => m.api_name === 'Deals')?.id ?? '',
  ));
const users = new Map<string, Promise<string | null>>();
const userName = (id: string) => {
  let p = users.get(id);
  if (!p) {
    p = zoho<ZohoUsersResponse>('GET', `/users/${id}`).then((r) => r.data?.users[0]?.full_name ?? null);
    users.set(id, p);
  }
  return p;
};

type Item = { contactId: string; messageId: string; ownerId?: string };

async function smallRead(contactId: string, first: number): Promise<{ status: number; body: unknown }> {
  const r = await zoho<ZohoEmailsResponse>('GET', `/Contacts/${contactId}/Emails`);
  if (r.status === 204) return { status: 200, body: { emails: [] } };
  if (r.status === 400) return { status: 404, body: { error: 'NOT_FOUND' } };
  if (r.status !== 200 || !r.data) return { status: 502, body: { error: `UPSTREAM_${r.status}` } };
  const emails = r.data.Emails.slice(0, first).map((e) => ({
    messageId: e.message_id,
    subject: e.subject,
    sentAt: e.time ?? null,
  }));
  return { status: 200, body: { emails } };
}

async function link(dealId: string, items: Item[]): Promise<{ status: number; body: unknown }> {
  const [deal, moduleIdValue, owned] = await Promise.all([
    zoho<ZohoRecordsResponse<ZohoDeal>>('GET', `/Deals/${dealId}`),
    dealsModuleId(),
    Promise.all(
      items.map(async (i) => {
        if (i.ownerId) return { ...i, ownerId: i.ownerId, ownerName: await userName(i.ownerId) };
        const r = await zoho<ZohoEmailDetailResponse>('GET', `/Contacts/${i.contactId}/Emails/${i.messageId}`);
        const owner = r.data?.Emails[0]?.owner;
        return { ...i, ownerId: owner?.id ?? '', ownerName: owner?.name ?? null };
      }),
    ),
  ]);
  if (deal.status !== 200) return { status: 502, body: { error: `DEAL_${deal.status}` } };
  const dealName = deal.data?.data[0]?.Deal_Name ?? '';
  const status = new Map<string, string>();
  await Promise.all(
    [...groupBy(owned, (i) => i.contactId)].flatMap(([contactId, group]) =>
      chunk(group, 20).map(async (part) => {
        const r = await zoho<ZohoLinkResponse>('POST', `/Contacts/${contactId}/Emails/actions/link_record`, {
          Emails: part.map((i) => ({
            message_id: i.messageId,
            owner: { id: i.ownerId, ...(i.ownerName ? { name: i.ownerName } : {}) },
            linked_record: { module: { api_name: 'Deals', id: moduleIdValue }, id: dealId, name: dealName },
          })),
        });
        part.forEach((item, k) => {
          const res = r.data?.Emails?.[k];
          status.set(item.messageId, res && !Array.isArray(res) && res.status === 'success' ? 'SUCCEEDED' : 'FAILED');
        });
      }),
    ),
  );
  return {
    status: 200,
    body: {
      results: items.map((i) => ({
        contactId: i.contactId,
        messageId: i.messageId,
        status: status.get(i.messageId) ?? 'FAILED',
      })),
    },
  };
}

const EMAILS = /^\/contacts\/(\d+)\/emails(?:\?first=(\d+))?$/;

const server = http.createServer((req, res) => {
  const reply = (r: { status: number; body: unknown }) => {
    const text = JSON.stringify(r.body);
    res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (e: unknown) => reply({ status: 500, body: { error: e instanceof Error ? e.message : String(e) } });
  const m = req.method === 'GET' ? EMAILS.exec(req.url ?? '') : null;
  if (m) {
    req.resume();
    smallRead(m[1]!, Number(m[2] ?? 10)).then(reply, fail);
    return;
  }
  if (req.method === 'POST' && req.url === '/link') {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      const { dealId, emails } = JSON.parse(text) as { dealId: string; emails: Item[] };
      link(dealId, emails).then(reply, fail);
    });
    return;
  }
  req.resume();
  reply({ status: 404, body: { error: 'NOT_FOUND' } });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
