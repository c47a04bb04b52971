/**
 * The workloads: how each picks its data from the demo org, the GraphQL operation the gateway
 * variants receive, the same work through the peer (Hive Gateway over Mesh) and through the floor
 * (plain HTTP, no GraphQL), which upstreams it runs against, and the minimum number of Zoho calls
 * any correct client must make for it, with the reasoning.
 */
import type { Child } from './proc.ts';
import {
  chunk,
  dealAt,
  groupBy,
  smallReadContact,
  type EmailRef,
  type Fixture,
  type LinkFixture,
  type MoveFixture,
  type ThroughputFixture,
} from './fixtures.ts';
import type { OpOutcome } from './loop.ts';

type ContactFx = {
  contactId: string;
  relatedDealIds: string[];
  emails: Array<{ messageId: string; ownerId: string; linkedDealId: string | null }>;
};

export type Variant =
  | 'gateway'
  | 'gateway-dedup-off'
  | 'gateway-read-cache'
  | 'unbatched'
  | 'direct-rest'
  | 'bare-apollo'
  | 'peer-hive-gateway'
  | 'floor';

export type UpstreamKind = 'emulator' | 'stub';

/** The production gateway (`node dist/main.js`) under other settings: the hot-read workload only. */
export const GATEWAY_SETTINGS_VARIANTS: ReadonlySet<Variant> = new Set(['gateway-dedup-off', 'gateway-read-cache']);

/** A request to the floor (bench/lib/floor-child.ts). */
export type FloorRequest = { method: 'GET' | 'POST'; path: string; body?: unknown };

export interface Workload {
  name: string;
  /** 'sequential': one operation at a time; 'throughput': autocannon at `concurrency`; 'limits': concurrent clients for a fixed time. */
  mode: 'sequential' | 'throughput' | 'limits';
  concurrency: number;
  /** Emulator settings besides latency. */
  emulator?: Record<string, unknown>;
  /** Fixed upstream latency (workload 6); otherwise the run's latency setting. */
  latency?: { latencyMs: number; jitterMs: number; label: number };
  setup(emu: Child): Promise<Fixture>;
  graphql(fx: Fixture, i: number): { query: string; variables: Record<string, unknown> };
  /** Items that failed in a mutation's answer. */
  outcome(data: any): OpOutcome;
  /** Why the peer cannot run it, or null when it can. */
  peerGap: string | null;
  /** What to know about the peer's answers. */
  peerNote?: string;
  /** Whether bare-apollo runs it (workload 5 only). */
  bareApollo?: boolean;
  /** The same operation through the floor, or absent when the floor does not serve it. */
  floor?: (fx: Fixture, i: number) => FloorRequest;
  /** The upstreams it runs against. */
  upstreams: readonly UpstreamKind[];
  /** Only the production gateway and its settings variants run it. */
  gatewayOnly?: boolean;
  /**
   * Why the gateway's actual count may be above its estimate on this workload, as docs/cost.md
   * says (its "Accuracy"), and by how much at most by its words: answers within that do not miss
   * the estimate target.
   */
  estimateExcess?: { reason: string; bound(fx: Fixture): number };
  minimal(fx: Fixture): { calls: number; explanation: string };
}

/** Whether the variant runs the workload at all (rows for the peer's gaps are written as n/a). */
export function runs(variant: Variant, w: Workload): boolean {
  if (GATEWAY_SETTINGS_VARIANTS.has(variant)) return w.gatewayOnly === true;
  if (w.gatewayOnly) return variant === 'gateway';
  if (variant === 'bare-apollo') return w.bareApollo === true;
  if (variant === 'floor') return w.floor !== undefined;
  return true;
}

// ------------------------------------------------------------------------------------- helpers

async function contacts(emu: Child, minEmails: number, count: number): Promise<ContactFx[]> {
  return (await emu.request<{ contacts: ContactFx[] }>({ type: 'contacts', minEmails, count })).contacts;
}

/** Two deals related to every one of the contacts: their own when a single contact has two, else contact roles. */
async function twoDeals(emu: Child, cs: ContactFx[]): Promise<[string, string]> {
  if (cs.length === 1 && cs[0]!.relatedDealIds.length >= 2)
    return [cs[0]!.relatedDealIds[0]!, cs[0]!.relatedDealIds[1]!];
  const { dealIds } = await emu.request<{ dealIds: string[] }>({ type: 'deals', count: 2 });
  await emu.request({ type: 'relate', dealIds, contactIds: cs.map((c) => c.contactId) });
  return [dealIds[0]!, dealIds[1]!];
}

const ref = (c: ContactFx, e: ContactFx['emails'][number]): EmailRef => ({
  contactId: c.contactId,
  messageId: e.messageId,
  ownerId: e.ownerId,
  linkedDealId: e.linkedDealId,
});

const inputRefs = (emails: readonly EmailRef[], withOwner: boolean) =>
  emails.map((e) => ({ contactId: e.contactId, messageId: e.messageId, ...(withOwner ? { ownerId: e.ownerId } : {}) }));

function itemOutcome(payload: { results: Array<{ status: string }> } | undefined): OpOutcome {
  if (!payload) throw new Error('no payload');
  const failed = payload.results.filter((r) => r.status !== 'SUCCEEDED').length;
  return { failedItems: failed, succeededItems: payload.results.length - failed };
}

/** Link calls: one per 20 emails of a contact. */
const linkCalls = (emails: readonly EmailRef[]) =>
  [...groupBy(emails, (e) => e.contactId).values()].reduce((n, g) => n + Math.ceil(g.length / 20), 0);
/** Unlink calls: one per 20 emails of a contact and mailbox owner (owner_id is one query parameter). */
const unlinkCalls = (emails: readonly EmailRef[]) =>
  [...groupBy(emails, (e) => `${e.contactId}/${e.ownerId}`).values()].reduce((n, g) => n + Math.ceil(g.length / 20), 0);

const LINK = `mutation Link($input: LinkEmailsToDealInput!) {
  linkEmailsToDeal(input: $input) { results { status error { code } } }
}`;
const MOVE = `mutation Move($input: MoveEmailsToDealInput!) {
  moveEmailsToDeal(input: $input) { results { status error { code } } }
}`;
const READ = `query Read($ids: [ID!]!, $first: Int!) {
  contacts(ids: $ids) { id emails(first: $first) { nodes { messageId subject linkedDeal { name stage } } } }
}`;
export const SMALL_READ = `query Small($id: ID!) {
  contact(id: $id) { emails(first: 5) { nodes { messageId subject sentAt } } }
}`;

const PER_PROCESS =
  "Per-process metadata is left out: the Deals module id (mandatory in link bodies), mailbox owners' names and the OAuth token are fetched once and cached, by the gateway as by any sensible client.";

const PEER_SERIAL =
  "GraphQL executes a mutation's root fields one after another, so the peer's aliased link calls (one per 20 emails of a contact) reach Zoho serially; the client reads the deal's name first, in its own round trip.";

// ------------------------------------------------------------------------------------ workloads

const floorLink = (dealId: string, emails: readonly EmailRef[], withOwner: boolean): FloorRequest => ({
  method: 'POST',
  path: '/link',
  body: { dealId, emails: inputRefs(emails, withOwner) },
});

function link100One(withOwner: boolean): Workload {
  return {
    name: withOwner ? 'link-100-one-contact' : 'link-100-one-contact-no-owner',
    mode: 'sequential',
    concurrency: 1,
    upstreams: ['emulator', 'stub'],
    floor: (fx, i) => {
      const f = fx as LinkFixture;
      return floorLink(dealAt(f.dealIds, i), f.emails, f.withOwner);
    },
    async setup(emu) {
      let [c] = await contacts(emu, 60, 1);
      if (c!.emails.length < 100)
        await emu.request({ type: 'inbound', contactId: c!.contactId, count: 100 - c!.emails.length });
      [c] = (await emu.request<{ contacts: ContactFx[] }>({ type: 'contactsByIds', ids: [c!.contactId] })).contacts;
      if (!c) throw new Error('no contact with 100 emails');
      return {
        kind: 'link',
        dealIds: await twoDeals(emu, [c]),
        emails: c.emails.slice(0, 100).map((e) => ref(c!, e)),
        withOwner,
      } satisfies LinkFixture;
    },
    graphql: (fx, i) => {
      const f = fx as LinkFixture;
      return {
        query: LINK,
        variables: { input: { dealId: dealAt(f.dealIds, i), emails: inputRefs(f.emails, f.withOwner) } },
      };
    },
    outcome: (data) => itemOutcome(data?.linkEmailsToDeal),
    peerGap: null,
    peerNote: PEER_SERIAL,
    minimal(fx) {
      const f = fx as LinkFixture;
      const links = linkCalls(f.emails);
      const reads = f.withOwner ? 0 : f.emails.length;
      return {
        calls: 1 + links + reads,
        explanation: withOwner
          ? `1 read of the deal (its name is mandatory in every link item) + ${links} link calls (100 emails of one contact, 20 per call: Zoho's maximum). ${PER_PROCESS}`
          : `As with ownerId, plus ${reads} reads of single emails for their mailbox owner (mandatory in link items): Zoho has no batch read of emails by id, and its list pages 10 emails of the whole timeline per call with no count, so no client can bound a list scan for arbitrary emails. (For this input, the contact's newest 100 of ${'≥'}100, a client betting on recency could have listed ~10-11 pages instead.) ${PER_PROCESS}`,
      };
    },
  };
}

const link100Ten: Workload = {
  name: 'link-100-ten-contacts',
  mode: 'sequential',
  concurrency: 1,
  upstreams: ['emulator', 'stub'],
  floor: (fx, i) => {
    const f = fx as LinkFixture;
    return floorLink(dealAt(f.dealIds, i), f.emails, true);
  },
  async setup(emu) {
    const cs = await contacts(emu, 10, 10);
    const dealIds = await twoDeals(emu, cs);
    return {
      kind: 'link',
      dealIds,
      emails: cs.flatMap((c) => c.emails.slice(0, 10).map((e) => ref(c, e))),
      withOwner: true,
    } satisfies LinkFixture;
  },
  graphql: (fx, i) => {
    const f = fx as LinkFixture;
    return { query: LINK, variables: { input: { dealId: dealAt(f.dealIds, i), emails: inputRefs(f.emails, true) } } };
  },
  outcome: (data) => itemOutcome(data?.linkEmailsToDeal),
  peerGap: null,
  peerNote: PEER_SERIAL,
  minimal(fx) {
    const links = linkCalls((fx as LinkFixture).emails);
    return {
      calls: 1 + links,
      explanation: `1 read of the deal (its name) + ${links} link calls: the link API takes one contact per call, so 10 contacts × 10 emails need 10 calls however they are batched. ${PER_PROCESS}`,
    };
  },
};

const readContacts: Workload = {
  name: 'read-contacts-emails-deals',
  mode: 'sequential',
  concurrency: 1,
  upstreams: ['emulator', 'stub'],
  async setup(emu) {
    const cs = await contacts(emu, 20, 10);
    const linked = new Set(
      cs.flatMap((c) => c.emails.slice(0, 20).flatMap((e) => (e.linkedDealId ? [e.linkedDealId] : []))),
    );
    return { kind: 'read', contactIds: cs.map((c) => c.contactId), perContact: 20, linkedDealIds: [...linked] };
  },
  graphql: (fx) => {
    const f = fx as Extract<Fixture, { kind: 'read' }>;
    return { query: READ, variables: { ids: f.contactIds, first: f.perContact } };
  },
  outcome: () => ({}),
  peerGap: null,
  peerNote:
    "Zoho's OAS declares an email's linked_record non-nullable, so through Mesh every unlinked email comes back as null (with an error): counted as failed items.",
  minimal(fx) {
    const f = fx as Extract<Fixture, { kind: 'read' }>;
    const pages = f.contactIds.length * Math.ceil(f.perContact / 10);
    const deals = Math.ceil(f.linkedDealIds.length / 100);
    return {
      calls: pages + deals,
      explanation: `${pages} email pages (10 contacts × 20 emails, 10 per page: Zoho's fixed page size) + ${deals} read of the ${f.linkedDealIds.length} distinct linked deals (up to 100 ids per call) for their stage; the deal's name comes with each email's link. No read of the contacts themselves: Get Emails answers INVALID_DATA for an unknown contact, so the email pages alone tell whether each contact exists.`,
    };
  },
};

function move20(relinkMode: 'replace' | 'reject'): Workload {
  return {
    name: `move-20-${relinkMode}`,
    mode: 'sequential',
    concurrency: 1,
    // Not on the stub: its links always succeed and its emails never change deal, so a move
    // there would neither be refused (reject mode) nor find its emails where the last one put them.
    upstreams: ['emulator'],
    emulator: { relinkMode },
    ...(relinkMode === 'reject'
      ? {
          estimateExcess: {
            reason:
              'Zoho refuses the relinks (ALREADY_USED): each refused email is unlinked and linked again, calls the estimate does not plan; docs/cost.md (Accuracy) bounds them: one link call more per 20 emails of a contact, and the unlinks, one call per 20 emails of each contact and owner',
            bound: (fx: Fixture) => {
              const emails = (fx as MoveFixture).emails;
              const calls = (key: (e: EmailRef) => string) =>
                [...groupBy(emails, key).values()].reduce((n, g) => n + Math.ceil(g.length / 20), 0);
              return calls((e) => e.contactId) + calls((e) => `${e.contactId} ${e.ownerId}`);
            },
          },
        }
      : {}),
    async setup(emu) {
      const cs = (await contacts(emu, 20, 5)).filter((c) => c.relatedDealIds.length >= 2);
      const c = cs[0] ?? (await contacts(emu, 20, 1))[0]!;
      const dealIds = await twoDeals(emu, [c]);
      const emails = c.emails.slice(0, 20).map((e) => ref(c, e));
      await emu.request({ type: 'setLinks', dealId: dealIds[0], messageIds: emails.map((e) => e.messageId) });
      return {
        kind: 'move',
        dealIds,
        emails: emails.map((e) => ({ ...e, linkedDealId: dealIds[0] })),
        relinkMode,
      } satisfies MoveFixture;
    },
    graphql: (fx, i) => {
      const f = fx as MoveFixture;
      return {
        query: MOVE,
        variables: { input: { dealId: dealAt(f.dealIds, i + 1), emails: inputRefs(f.emails, true) } },
      };
    },
    outcome: (data) => itemOutcome(data?.moveEmailsToDeal),
    peerGap:
      'a move (read where each email is, link, and in reject mode unlink, link again and restore on failure) is client-side logic over 3 to 5 round trips through the peer; it has no move operation of its own.',
    minimal(fx) {
      const f = fx as MoveFixture;
      const links = linkCalls(f.emails);
      if (relinkMode === 'replace') {
        return {
          calls: 1 + f.emails.length + links,
          explanation: `1 read of the target deal (its name) + ${f.emails.length} reads of single emails (the move reports each email's previous deal, and needs it to restore; Zoho has no batch read of emails by id) + ${links} link call (Zoho replaces the link: the link is the whole move). ${PER_PROCESS}`,
        };
      }
      const unlinks = unlinkCalls(f.emails);
      return {
        calls: 1 + f.emails.length + links + unlinks + links,
        explanation: `As in replace mode (1 deal read + ${f.emails.length} email reads + ${links} link call, which Zoho refuses with ALREADY_USED), then ${unlinks} unlink call(s) (one per contact and mailbox owner, 20 ids each) and ${links} link call again. A client that always unlinked first would save the refused call here but spend an extra call in replace mode, and would leave emails on no deal between the calls.`,
      };
    },
  };
}

const smallRead: Workload = {
  name: 'small-read-throughput',
  mode: 'throughput',
  concurrency: 32,
  bareApollo: true,
  upstreams: ['emulator', 'stub'],
  floor: (fx, i) => {
    const f = fx as Extract<Fixture, { kind: 'small-read' }>;
    return { method: 'GET', path: `/contacts/${smallReadContact(f, i)}/emails?first=${f.first}` };
  },
  async setup(emu) {
    // Distinct contacts whose 5 to 10 emails fit in one Zoho page, at least twice the connections:
    // the reads in flight are never the same one, so that each makes its own Zoho call.
    const cs = (await contacts(emu, 5, 150)).sort((a, b) => a.emails.length - b.emails.length);
    const fit = cs.filter((x) => x.emails.length <= 10).slice(0, 64);
    const ids = (fit.length ? fit : cs.slice(0, 1)).map((c) => c.contactId);
    return { kind: 'small-read', contactId: ids[0]!, contactIds: ids, first: 5 };
  },
  graphql: (fx, i) => ({
    query: SMALL_READ,
    variables: { id: smallReadContact(fx as Extract<Fixture, { kind: 'small-read' }>, i) },
  }),
  outcome: () => ({}),
  peerGap: null,
  minimal: () => ({
    calls: 1,
    explanation:
      "1 email page (the contact's 5 emails fit in Zoho's page of 10). No read of the contact: Get Emails answers INVALID_DATA for an unknown contact, so the page alone tells whether it exists.",
  }),
};

/** Emails linked per op in workload 6: 25 contacts × 20 emails, so that every link call is full. */
const THROUGHPUT_CONTACTS_PER_OP = 25;

const linkThroughput: Workload = {
  name: 'link-throughput-under-zoho-limits',
  mode: 'limits',
  concurrency: 4,
  upstreams: ['emulator', 'stub'],
  floor: (fx, i) => {
    const f = fx as ThroughputFixture;
    return floorLink(dealAt(f.dealIds, Math.floor(i / f.batches.length)), f.batches[i % f.batches.length]!, true);
  },
  latency: { latencyMs: 80, jitterMs: 40, label: 100 },
  emulator: { concurrencyLimit: 10 },
  async setup(emu) {
    let cs = await contacts(emu, 10, 50);
    for (const c of cs) {
      if (c.emails.length < 20)
        await emu.request({ type: 'inbound', contactId: c.contactId, count: 20 - c.emails.length });
    }
    cs = (await emu.request<{ contacts: ContactFx[] }>({ type: 'contactsByIds', ids: cs.map((c) => c.contactId) }))
      .contacts;
    const dealIds = await twoDeals(emu, cs);
    const refs = cs.map((c) => c.emails.slice(0, 20).map((e) => ref(c, e)));
    const batches = chunk(refs, THROUGHPUT_CONTACTS_PER_OP).map((group) => group.flat());
    return { kind: 'link-throughput', dealIds, batches } satisfies ThroughputFixture;
  },
  graphql: (fx, i) => {
    const f = fx as ThroughputFixture;
    const batch = f.batches[i % f.batches.length]!;
    return {
      query: LINK,
      variables: {
        input: { dealId: dealAt(f.dealIds, Math.floor(i / f.batches.length)), emails: inputRefs(batch, true) },
      },
    };
  },
  outcome: (data) => itemOutcome(data?.linkEmailsToDeal),
  peerGap: null,
  peerNote: `${PEER_SERIAL} Nothing in the peer limits concurrency: the 429s, if any, are Zoho's refusals.`,
  minimal(fx) {
    const f = fx as ThroughputFixture;
    const links = linkCalls(f.batches[0]!);
    return {
      calls: 1 + links,
      explanation: `Per operation (500 emails: 25 contacts × 20): 1 read of the deal (its name) + ${links} full link calls of 20. The limit is concurrency × 20 ÷ latency = 10 × 20 ÷ 0.1 s = 2000 emails/s, which assumes every slot carries a full link call; the deal read takes 1 slot in ${1 + links}. ${PER_PROCESS}`,
    };
  },
};

/**
 * The same small read at real latency: 50 connections against an upstream that answers in 50 ms
 * and, like Zoho, refuses more than 10 calls in flight. The gateway alone, under its read settings
 * (in-flight dedup on and off, a short read cache), when it has them.
 */
const smallReadHot: Workload = {
  ...smallRead,
  name: 'small-read-hot-50ms',
  concurrency: 50,
  // The same small read from every connection: what in-flight dedup and the read cache are for.
  async setup(emu) {
    const fx = (await smallRead.setup(emu)) as Extract<Fixture, { kind: 'small-read' }>;
    return { ...fx, contactIds: [fx.contactId] };
  },
  bareApollo: false,
  floor: undefined,
  gatewayOnly: true,
  upstreams: ['stub'],
  latency: { latencyMs: 50, jitterMs: 0, label: 50 },
  emulator: { concurrencyLimit: 10 },
  peerGap: 'the gateway alone: this workload compares its read settings (in-flight dedup, read cache).',
  minimal: () => ({
    calls: 1,
    explanation:
      '1 email page per read that shares nothing, as in small-read-throughput. Identical reads in flight at once may share one call (in-flight dedup), and a read cache may answer without any: below 1 per operation is then expected.',
  }),
};

export const WORKLOADS: Workload[] = [
  link100One(true),
  link100One(false),
  link100Ten,
  readContacts,
  move20('replace'),
  move20('reject'),
  smallRead,
  linkThroughput,
  smallReadHot,
];

/** `--quick`, per upstream. */
export const QUICK_WORKLOADS: Record<UpstreamKind, ReadonlySet<string>> = {
  emulator: new Set([
    'link-100-one-contact',
    'link-100-one-contact-no-owner',
    'read-contacts-emails-deals',
    'small-read-throughput',
  ]),
  stub: new Set(['link-100-one-contact', 'small-read-throughput', 'small-read-hot-50ms']),
};

/** The workloads whose ratios against the peer are targets: repeated, interleaved, on the stub. */
export const RATIO_WORKLOADS: ReadonlySet<string> = new Set(['small-read-throughput', 'link-100-one-contact']);

export const limitOf = (w: Workload) =>
  w.mode === 'limits' && w.latency ? (10 * 20) / (w.latency.label / 1000) : null;
