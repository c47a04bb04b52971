/**
 * The `direct-rest` variant: what a careful team would write by hand against Zoho's REST API,
 * making exactly the calls the workload needs and no more. This is the floor the gateway is
 * measured against. Per-process metadata (the Deals module id, users' names, the token) is
 * fetched once, like the gateway's org cache; every call goes through a semaphore of Zoho's
 * concurrency (10), and a 429 is retried after a short pause (at most 5 attempts).
 */
import type {
  ZohoDeal,
  ZohoEmailDetailResponse,
  ZohoEmailsResponse,
  ZohoLinkResponse,
  ZohoModulesResponse,
  ZohoRecordsResponse,
  ZohoUsersResponse,
} from '../../src/wire/index.ts';
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
import { semaphore, type OpOutcome } from './loop.ts';

type Res<T> = { status: number; body: T | null };

export class Rest {
  private readonly limit = semaphore(10);
  private moduleId: Promise<string> | null = null;
  private readonly users = new Map<string, Promise<string | null>>();
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Res<T>> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.limit(async () => {
        const r = await fetch(`${this.base}/crm/v8${path}`, {
          method,
          headers: {
            Authorization: `Zoho-oauthtoken ${this.token}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        const text = await r.text();
        return { status: r.status, body: text ? (JSON.parse(text) as T) : null };
      });
      if (res.status !== 429 || attempt >= 5) return res;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }

  dealsModuleId(): Promise<string> {
    this.moduleId ??= this.call<ZohoModulesResponse>('GET', '/settings/modules').then(
      (r) => r.body?.modules.find((m) => m.api_name === 'Deals')?.id ?? '',
    );
    return this.moduleId;
  }

  userName(id: string): Promise<string | null> {
    let name = this.users.get(id);
    if (!name) {
      name = this.call<ZohoUsersResponse>('GET', `/users/${id}`).then((r) => r.body?.users[0]?.full_name ?? null);
      this.users.set(id, name);
    }
    return name;
  }

  async dealName(id: string): Promise<string> {
    const r = await this.call<ZohoRecordsResponse<ZohoDeal>>('GET', `/Deals/${id}`);
    if (r.status !== 200) throw new Error(`deal ${id}: ${r.status}`);
    return r.body?.data[0]?.Deal_Name ?? '';
  }

  async email(contactId: string, messageId: string) {
    const r = await this.call<ZohoEmailDetailResponse>('GET', `/Contacts/${contactId}/Emails/${messageId}`);
    if (r.status !== 200) throw new Error(`email ${messageId}: ${r.status}`);
    return r.body!.Emails[0]!;
  }

  /** Links (contact, owner, message) items to a deal, 20 per call; returns the refused message ids by code. */
  async link(
    items: ReadonlyArray<{ contactId: string; messageId: string; ownerId: string; ownerName: string | null }>,
    deal: { id: string; name: string },
  ): Promise<{ ok: number; failed: Map<string, string> }> {
    const moduleId = await this.dealsModuleId();
    const failed = new Map<string, string>();
    let ok = 0;
    await Promise.all(
      [...groupBy(items, (i) => i.contactId)].flatMap(([contactId, group]) =>
        chunk(group, 20).map(async (part) => {
          const r = await this.call<ZohoLinkResponse>('POST', `/Contacts/${contactId}/Emails/actions/link_record`, {
            Emails: part.map((i) => ({
              message_id: i.messageId,
              owner: { id: i.ownerId, ...(i.ownerName ? { name: i.ownerName } : {}) },
              linked_record: { module: { api_name: 'Deals', id: moduleId }, id: deal.id, name: deal.name },
            })),
          });
          const results = r.body?.Emails;
          part.forEach((item, k) => {
            const res = results?.[k];
            if (res && !Array.isArray(res) && res.status === 'success') ok++;
            else failed.set(item.messageId, Array.isArray(res) ? (res[0]?.code ?? 'ERROR') : `HTTP_${r.status}`);
          });
        }),
      ),
    );
    return { ok, failed };
  }

  /** Unlinks, grouped by contact and owner (owner_id is one query parameter), 20 ids per call. */
  async unlink(items: ReadonlyArray<{ contactId: string; messageId: string; ownerId: string }>): Promise<Set<string>> {
    const failed = new Set<string>();
    await Promise.all(
      [...groupBy(items, (i) => `${i.contactId}/${i.ownerId}`).values()].flatMap((group) =>
        chunk(group, 20).map(async (part) => {
          const { contactId, ownerId } = part[0]!;
          const ids = part.map((i) => i.messageId).join(',');
          const r = await this.call<ZohoLinkResponse>(
            'DELETE',
            `/Contacts/${contactId}/Emails/actions/link_record?owner_id=${ownerId}&message_ids=${ids}`,
          );
          part.forEach((item, k) => {
            const res = r.body?.Emails?.[k];
            if (!(res && !Array.isArray(res) && res.status === 'success')) failed.add(item.messageId);
          });
        }),
      ),
    );
    return failed;
  }
}

async function linkOp(rest: Rest, fx: LinkFixture, i: number): Promise<OpOutcome> {
  const dealId = dealAt(fx.dealIds, i);
  const [dealName, owned] = await Promise.all([
    rest.dealName(dealId),
    // With the owner given, its name is per-process metadata; without it, each email is read.
    fx.withOwner
      ? Promise.all(fx.emails.map(async (e) => ({ ...e, ownerName: await rest.userName(e.ownerId) })))
      : Promise.all(
          fx.emails.map(async (e) => {
            const detail = await rest.email(e.contactId, e.messageId);
            return { ...e, ownerId: detail.owner.id ?? '', ownerName: detail.owner.name ?? null };
          }),
        ),
  ]);
  const { ok, failed } = await rest.link(owned, { id: dealId, name: dealName });
  return { succeededItems: ok, failedItems: failed.size };
}

async function readOp(rest: Rest, fx: Extract<Fixture, { kind: 'read' }>): Promise<OpOutcome> {
  const linked = new Set<string>();
  await Promise.all(
    fx.contactIds.map(async (contactId) => {
      const emails = [];
      let index: string | null = null;
      while (emails.length < fx.perContact) {
        const r: Res<ZohoEmailsResponse> = await rest.call<ZohoEmailsResponse>(
          'GET',
          `/Contacts/${contactId}/Emails${index ? `?index=${index}` : ''}`,
        );
        if (r.status === 204) break;
        if (r.status !== 200) throw new Error(`emails of ${contactId}: ${r.status}`);
        emails.push(...r.body!.Emails);
        if (!r.body!.info.more_records || !r.body!.info.next_index) break;
        index = r.body!.info.next_index;
      }
      for (const e of emails.slice(0, fx.perContact)) if (e.linked_record?.id) linked.add(e.linked_record.id);
    }),
  );
  // The deal's name comes with the link; its stage needs the deal itself: 100 per call.
  await Promise.all(
    chunk([...linked], 100).map(async (ids) => {
      const r = await rest.call('GET', `/Deals?ids=${ids.join(',')}&fields=Deal_Name,Stage`);
      if (r.status !== 200) throw new Error(`deals: ${r.status}`);
    }),
  );
  return {};
}

async function moveOp(rest: Rest, fx: MoveFixture, i: number): Promise<OpOutcome> {
  const dealId = dealAt(fx.dealIds, i + 1);
  // Each email is read for its current deal: the move reports it, and restores it on failure.
  const [dealName, current] = await Promise.all([
    rest.dealName(dealId),
    Promise.all(
      fx.emails.map(async (e) => {
        const d = await rest.email(e.contactId, e.messageId);
        return {
          ...e,
          ownerName: d.owner.name ?? null,
          previous: d.linked_record?.id ? { id: d.linked_record.id, name: d.linked_record.name ?? '' } : null,
        };
      }),
    ),
  ]);
  const toMove = current.filter((e) => e.previous?.id !== dealId);
  const first = await rest.link(toMove, { id: dealId, name: dealName });
  let ok = first.ok + (current.length - toMove.length);
  const refused = toMove.filter((e) => first.failed.get(e.messageId) === 'ALREADY_USED');
  let failedItems = first.failed.size - refused.length;
  if (refused.length > 0) {
    const unlinkFailed = await rest.unlink(refused);
    failedItems += unlinkFailed.size;
    const unlinked = refused.filter((e) => !unlinkFailed.has(e.messageId));
    const second = await rest.link(unlinked, { id: dealId, name: dealName });
    ok += second.ok;
    failedItems += second.failed.size;
    const back = unlinked.filter((e) => second.failed.has(e.messageId) && e.previous);
    // The second link failed: put those emails back on their previous deal.
    for (const [prevId, group] of groupBy(back, (e) => e.previous!.id))
      await rest.link(group, { id: prevId, name: group[0]!.previous!.name });
  }
  return { succeededItems: ok, failedItems };
}

async function smallReadOp(rest: Rest, fx: Extract<Fixture, { kind: 'small-read' }>, i: number): Promise<OpOutcome> {
  const r = await rest.call<ZohoEmailsResponse>('GET', `/Contacts/${smallReadContact(fx, i)}/Emails`);
  if (r.status !== 200) throw new Error(`emails: ${r.status}`);
  r.body!.Emails.slice(0, fx.first);
  return {};
}

async function throughputOp(rest: Rest, fx: ThroughputFixture, i: number): Promise<OpOutcome> {
  const batch = fx.batches[i % fx.batches.length]!;
  const dealId = dealAt(fx.dealIds, Math.floor(i / fx.batches.length));
  const dealName = await rest.dealName(dealId);
  const items = await Promise.all(
    batch.map(async (e: EmailRef) => ({ ...e, ownerName: await rest.userName(e.ownerId) })),
  );
  const { ok, failed } = await rest.link(items, { id: dealId, name: dealName });
  return { succeededItems: ok, failedItems: failed.size };
}

export function directOp(rest: Rest, fx: Fixture, i: number): Promise<OpOutcome> {
  switch (fx.kind) {
    case 'link':
      return linkOp(rest, fx, i);
    case 'read':
      return readOp(rest, fx);
    case 'move':
      return moveOp(rest, fx, i);
    case 'small-read':
      return smallReadOp(rest, fx, i);
    case 'link-throughput':
      return throughputOp(rest, fx, i);
  }
}
