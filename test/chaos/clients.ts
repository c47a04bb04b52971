/**
 * The chaos clients: each owns its own share of the demo org's emails (so that it alone writes
 * them, and knows where each one should be), and sends link, unlink and move operations through
 * the gateway's GraphQL endpoint, one after another. Every item is read from the store just
 * before the operation, right after its answer, and again once no attempt of it can still land;
 * only then is the email free for the next operation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng } from './prng.ts';
import {
  ABSENT,
  hasStackTrace,
  judgeItem,
  leakedSecrets,
  payloadViolations,
  type OpKind,
  type Place,
  type ReportedItem,
  type Verdict,
} from './judge.ts';
import { postGraphQL, type SchemaFeatures } from './gateway.ts';
import type { Injector } from './injector.ts';
import type { FaultClass } from './schedule.ts';
import type { Truth, World, WorldEmail } from './world.ts';

/** Why an item is in a batch although it cannot succeed. */
export type BadKind = 'wrong-owner' | 'unrelated' | 'no-such-email';

export interface ItemRecord {
  contactId: string;
  messageId: string;
  ownerId: string | null;
  bad: BadKind | null;
  dealRelated: boolean;
  before: Place;
  after: Place;
  settled: Place | undefined;
  result: ReportedItem | null;
  verdict: Verdict | null;
  /** Set when the end-of-run reading judged this item otherwise than its settle reading did. */
  atEnd: Verdict | null;
}

export interface OpRecord {
  id: number;
  client: number;
  op: OpKind;
  dealId: string | null;
  expectedDealId: string | null;
  items: ItemRecord[];
  started: number;
  ended: number;
  classes: FaultClass[];
  details: string[];
  httpStatus: number;
  /** Contract breaches of this answer (shape, GraphQL errors, 5xx, stack traces, secrets). */
  violations: string[];
  probe: boolean;
}

export interface ClientContext {
  url: string;
  queries: Record<OpKind, string>;
  features: SchemaFeatures;
  injector: Injector;
  truth: Truth;
  world: World;
  secrets: () => ReadonlyMap<string, string>;
  /** Milliseconds added to the longest latency in force before an email is read for good. */
  settleMarginMs: number;
  opTimeoutMs: number;
  itemsMax: number;
  /** Receives every operation once all its items are settled. */
  record(op: OpRecord): void;
  /** Harness-level problems (an email changed while nobody was writing it). */
  violation(text: string): void;
}

interface Owned {
  email: WorldEmail;
  /** Where the email is, as last read once settled. */
  place: Place;
  busy: boolean;
  /** The last item that wrote it, judged again at the end. */
  last: { op: OpRecord; item: ItemRecord } | null;
}

interface PlannedItem {
  contactId: string;
  messageId: string;
  ownerId: string | null;
  bad: BadKind | null;
  owned: Owned | null;
}

let nextOpId = 1;

/** The pause of a client after an operation in which no item succeeded. */
const BACKOFF_MS = 250;

export class ChaosClient {
  readonly index: number;
  readonly #ctx: ClientContext;
  readonly #rnd: Prng;
  readonly #owned = new Map<string, Owned>();
  readonly #byContact = new Map<string, Owned[]>();
  readonly #deals: string[];
  readonly #multiDeals: string[];
  readonly #settling = new Set<Promise<void>>();

  constructor(index: number, seed: number, emails: readonly WorldEmail[], ctx: ClientContext) {
    this.index = index;
    this.#ctx = ctx;
    this.#rnd = new Prng(seed * 104_729 + index * 31 + 1);
    for (const email of emails) {
      const owned: Owned = {
        email,
        place: ctx.truth.placeOf(email.contactId, email.messageId),
        busy: false,
        last: null,
      };
      this.#owned.set(email.messageId, owned);
      this.#byContact.set(email.contactId, [...(this.#byContact.get(email.contactId) ?? []), owned]);
    }
    const deals = new Set<string>();
    for (const contactId of this.#byContact.keys())
      for (const d of ctx.world.dealsOf.get(contactId) ?? []) deals.add(d);
    this.#deals = [...deals].sort();
    this.#multiDeals = this.#deals.filter(
      (d) => (ctx.world.contactsOf.get(d) ?? []).filter((c) => this.#byContact.has(c)).length >= 2,
    );
  }

  get emailCount(): number {
    return this.#owned.size;
  }

  /** Runs operations until `until`; resolves once the last one is answered (not yet settled). */
  async run(until: () => boolean): Promise<void> {
    while (!until()) {
      const plan = this.#plan();
      if (!plan) {
        await sleep(25);
        continue;
      }
      const op = await this.execute(plan.op, plan.dealId, plan.expectedDealId, plan.items, false);
      // A caller whose whole batch failed backs off a little, as a real one would; this also
      // keeps a gateway that fails fast from being flooded.
      if (!op.items.some((i) => i.result?.status === 'SUCCEEDED')) await sleep(BACKOFF_MS);
    }
  }

  /** Resolves once every operation sent so far has been read for good. */
  async settled(): Promise<void> {
    while (this.#settling.size > 0) await Promise.all([...this.#settling]);
  }

  /**
   * After the faults are cleared: links one free email to one of its deals until that succeeds,
   * and answers how long that took (null if it never did within `withinMs`).
   */
  async probe(withinMs: number): Promise<number | null> {
    const started = Date.now();
    while (Date.now() - started < withinMs) {
      const owned = [...this.#owned.values()].find((o) => !o.busy && this.#ctx.world.dealsOf.get(o.email.contactId));
      if (!owned) {
        await sleep(100);
        continue;
      }
      const dealId = this.#ctx.world.dealsOf.get(owned.email.contactId)![0]!;
      const op = await this.execute(
        'link',
        dealId,
        null,
        [{ contactId: owned.email.contactId, messageId: owned.email.messageId, ownerId: null, bad: null, owned }],
        true,
      );
      if (op.items[0]?.result?.status === 'SUCCEEDED') return Date.now() - started;
      await sleep(250);
    }
    return null;
  }

  /** Judges each email's last item again against its place now, and checks nothing else moved it. */
  reconcileAtEnd(): void {
    for (const owned of this.#owned.values()) {
      const now = this.#ctx.truth.placeOf(owned.email.contactId, owned.email.messageId);
      if (now !== owned.place) {
        this.#ctx.violation(
          `email ${owned.email.messageId.slice(0, 12)}… moved after its last operation was read for good: ` +
            `${String(owned.place)} then ${String(now)}`,
        );
      }
      const last = owned.last;
      if (!last?.item.result || !last.item.verdict) continue;
      const again = judgeItem(this.#case(last.op, last.item, now));
      if (again.kind !== last.item.verdict.kind) last.item.atEnd = again;
    }
  }

  // -------------------------------------------------------------------------------------------

  async execute(
    op: OpKind,
    dealId: string | null,
    expectedDealId: string | null,
    planned: PlannedItem[],
    probe: boolean,
  ): Promise<OpRecord> {
    const ctx = this.#ctx;
    for (const p of planned) if (p.owned) p.owned.busy = true;
    const reported = new Set<Owned>();
    const items: ItemRecord[] = planned.map((p) => {
      const before = ctx.truth.placeOf(p.contactId, p.messageId);
      if (p.owned && before !== p.owned.place && !reported.has(p.owned)) {
        reported.add(p.owned);
        ctx.violation(
          `email ${p.messageId.slice(0, 12)}… was ${String(before)} when sent, but was read for good as ${String(p.owned.place)}`,
        );
      }
      return {
        contactId: p.contactId,
        messageId: p.messageId,
        ownerId: p.ownerId,
        bad: p.bad,
        dealRelated: dealId !== null && (ctx.world.dealsOf.get(p.contactId) ?? []).includes(dealId),
        before,
        after: before,
        settled: undefined,
        result: null,
        verdict: null,
        atEnd: null,
      };
    });
    const emails = planned.map((p) => ({
      contactId: p.contactId,
      messageId: p.messageId,
      ...(p.ownerId ? { ownerId: p.ownerId } : {}),
    }));
    const input =
      op === 'unlink' ? { emails, ...(expectedDealId ? { expectedDealId } : {}) } : { dealId: dealId!, emails };

    const started = Date.now();
    const answer = await postGraphQL(ctx.url, ctx.queries[op], { input }, ctx.opTimeoutMs);
    const ended = Date.now();
    for (const item of items) item.after = ctx.truth.placeOf(item.contactId, item.messageId);

    const record: OpRecord = {
      id: nextOpId++,
      client: this.index,
      op,
      dealId,
      expectedDealId,
      items,
      started,
      ended,
      classes: [],
      details: [],
      httpStatus: answer.status,
      violations: [],
      probe,
    };
    this.#readAnswer(record, answer);

    // No attempt of this operation can land once the longest delay in force while it ran is over.
    const waitMs = Math.max(0, ended + ctx.injector.maxLatencyDuring(started, ended) + ctx.settleMarginMs - Date.now());
    const settling = sleep(waitMs).then(() => {
      record.classes = ctx.injector.classesDuring(started, ended);
      record.details = ctx.injector.detailsDuring(started, ended);
      for (const item of items) {
        item.settled = ctx.truth.placeOf(item.contactId, item.messageId);
        if (item.result) item.verdict = judgeItem(this.#case(record, item, item.settled));
      }
      for (const p of planned) {
        if (!p.owned) continue;
        const item = items[planned.indexOf(p)]!;
        p.owned.place = item.settled!;
        p.owned.busy = false;
        if (item.result) p.owned.last = { op: record, item };
      }
      ctx.record(record);
    });
    this.#settling.add(settling);
    void settling.finally(() => this.#settling.delete(settling));
    return record;
  }

  #case(op: OpRecord, item: ItemRecord, settled: Place) {
    return {
      op: op.op,
      dealId: op.dealId,
      expectedDealId: op.expectedDealId,
      before: item.before,
      after: item.after,
      settled,
      dealRelated: item.dealRelated,
      result: item.result!,
    };
  }

  #readAnswer(record: OpRecord, answer: Awaited<ReturnType<typeof postGraphQL>>): void {
    const v = record.violations;
    const ctx = this.#ctx;
    if (answer.status === 0) {
      v.push(`no answer: ${answer.failure ?? 'unknown'}`);
      return;
    }
    if (answer.status >= 500) v.push(`HTTP ${answer.status}`);
    if (hasStackTrace(answer.text)) v.push('a stack trace in the answer');
    const leaks = leakedSecrets(answer.text, ctx.secrets());
    if (leaks.length) v.push(`secrets in the answer: ${leaks.join(', ')}`);
    const errors = answer.json?.errors ?? [];
    for (const e of errors) v.push(`GraphQL error ${e.extensions?.code ?? '?'}: ${(e.message ?? '').slice(0, 160)}`);
    const field = { link: 'linkEmailsToDeal', unlink: 'unlinkEmailsFromDeal', move: 'moveEmailsToDeal' }[record.op];
    const payload = answer.json?.data?.[field] as Parameters<typeof payloadViolations>[1];
    const unknownCount = record.op === 'move' ? ctx.features.unknownCount.move : ctx.features.unknownCount.link;
    const shape = payloadViolations(record.items, payload, {
      op: record.op,
      unknownStatus: ctx.features.unknownStatus,
      unknownCount,
    });
    v.push(...shape);
    const results = (payload?.results ?? []) as Array<Record<string, any>>;
    record.items.forEach((item, i) => {
      const r = results[i];
      if (!r || r.messageId !== item.messageId || r.contactId !== item.contactId) return;
      item.result = {
        status: String(r.status),
        code: (r.error?.code as string | undefined) ?? null,
        message: (r.error?.message as string | undefined) ?? null,
        ...(record.op === 'move'
          ? {
              previousDealId: (r.previousDealId as string | null | undefined) ?? null,
              restoreAttempted: r.restoreAttempted === true,
              restored: (r.restored as boolean | null | undefined) ?? null,
            }
          : {}),
        reportedDealId: r.email ? ((r.email.linkedDeal?.id as string | undefined) ?? null) : undefined,
      };
    });
  }

  // -------------------------------------------------------------------------------------------

  #free(list: readonly Owned[] | undefined): Owned[] {
    return (list ?? []).filter((o) => !o.busy);
  }

  #size(): number {
    const [lo, hi] = this.#rnd.weighted<[number, number]>([
      [[1, 3], 30],
      [[4, 10], 30],
      [[11, 20], 25],
      [[21, 40], 15],
    ]);
    return Math.min(this.#ctx.itemsMax, this.#rnd.int(lo, hi));
  }

  #shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.#rnd.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }

  #plan(): { op: OpKind; dealId: string | null; expectedDealId: string | null; items: PlannedItem[] } | null {
    const rnd = this.#rnd;
    const op = rnd.weighted<OpKind>([
      ['link', 35],
      ['move', 40],
      ['unlink', 25],
    ]);
    const size = this.#size();
    const withOwner = rnd.chance(0.5);
    const item = (o: Owned): PlannedItem => ({
      contactId: o.email.contactId,
      messageId: o.email.messageId,
      ownerId: withOwner ? o.email.ownerId : null,
      bad: null,
      owned: o,
    });

    let dealId: string | null = null;
    let expectedDealId: string | null = null;
    let chosen: Owned[];
    if (op === 'unlink') {
      const contacts = this.#shuffle([...this.#byContact.keys()]).slice(0, rnd.int(1, 4));
      const free = this.#shuffle(contacts.flatMap((c) => this.#free(this.#byContact.get(c))));
      const linked = free.filter((o) => o.place !== null);
      const rest = free.filter((o) => o.place === null);
      chosen = (rnd.chance(0.75) ? [...linked, ...rest] : free).slice(0, size);
      if (chosen.length === 0) return null;
      const mode = rnd.weighted([
        ['none', 40],
        ['current', 45],
        ['other', 15],
      ] as const);
      if (mode === 'current') expectedDealId = chosen.find((o) => o.place !== null)?.place ?? null;
      if (mode === 'other')
        expectedDealId = rnd.pick(this.#ctx.world.dealsOf.get(chosen[0]!.email.contactId) ?? [null]);
    } else {
      dealId = rnd.chance(0.5) && this.#multiDeals.length ? rnd.pick(this.#multiDeals) : rnd.pick(this.#deals);
      const contacts = (this.#ctx.world.contactsOf.get(dealId) ?? []).filter((c) => this.#byContact.has(c));
      const free = this.#shuffle(contacts.flatMap((c) => this.#free(this.#byContact.get(c))));
      if (op === 'move') {
        // Mostly emails on another deal (a real move; in reject mode, the unlink-then-link path).
        const target = dealId;
        const elsewhere = free.filter((o) => o.place !== null && o.place !== target);
        const onNone = free.filter((o) => o.place === null);
        const onTarget = free.filter((o) => o.place === target);
        const pool = [...elsewhere];
        for (const o of [...onNone, ...onTarget]) if (rnd.chance(0.25)) pool.push(o);
        chosen = this.#shuffle(pool).slice(0, size);
      } else {
        chosen = free.slice(0, size);
      }
      if (chosen.length === 0) return null;
    }

    const items = chosen.map(item);
    // Now and then an item that cannot succeed, which Zoho refuses (and, in atomic mode, the
    // whole call with it).
    if (rnd.chance(0.12)) {
      const kind = rnd.weighted<BadKind>(
        op === 'unlink'
          ? [
              ['wrong-owner', 2],
              ['no-such-email', 1],
            ]
          : [
              ['wrong-owner', 2],
              ['unrelated', 2],
              ['no-such-email', 1],
            ],
      );
      const bad = this.#badItem(kind, dealId, items);
      if (bad) items.splice(rnd.int(0, items.length), 0, bad);
    }
    if (items.length > 1 && rnd.chance(0.03)) {
      const dup = rnd.pick(items.filter((i) => !i.bad));
      items.splice(rnd.int(0, items.length), 0, { ...dup });
    }
    return { op, dealId, expectedDealId, items: items.slice(0, Math.max(this.#ctx.itemsMax, 1)) };
  }

  #badItem(kind: BadKind, dealId: string | null, items: PlannedItem[]): PlannedItem | null {
    const rnd = this.#rnd;
    const taken = new Set(items.map((i) => i.messageId));
    if (kind === 'no-such-email') {
      const contactId = items[0]!.contactId;
      let hex = '';
      while (hex.length < 64) hex += Math.floor(rnd.next() * 16).toString(16);
      return { contactId, messageId: hex, ownerId: rnd.chance(0.5) ? items[0]!.ownerId : null, bad: kind, owned: null };
    }
    const pool = [...this.#owned.values()].filter((o) => {
      if (o.busy || taken.has(o.email.messageId)) return false;
      if (kind === 'unrelated') return !(this.#ctx.world.dealsOf.get(o.email.contactId) ?? []).includes(dealId!);
      return dealId === null || (this.#ctx.world.dealsOf.get(o.email.contactId) ?? []).includes(dealId);
    });
    if (pool.length === 0) return null;
    const o = rnd.pick(pool);
    return {
      contactId: o.email.contactId,
      messageId: o.email.messageId,
      ownerId: kind === 'wrong-owner' ? this.#ctx.world.otherOwner(o.email.ownerId) : o.email.ownerId,
      bad: kind,
      owned: o,
    };
  }
}

/** Deals the emails out to the clients: seeded, so that a seed always gives the same shares. */
export function partition(emails: readonly WorldEmail[], clients: number, seed: number): WorldEmail[][] {
  const rnd = new Prng(seed * 15_485_863 + 7);
  const shuffled = [...emails];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return Array.from({ length: clients }, (_, c) => shuffled.filter((_, i) => i % clients === c));
}

export { ABSENT };
