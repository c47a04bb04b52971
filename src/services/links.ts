/**
 * The link and unlink workflows behind the mutations: plan the items, fill in what Zoho makes
 * mandatory, send them through the write loaders, and turn every answer into one result per
 * input item, in input order.
 *
 * Guarantees:
 * - one item's failure never hides, fails or reorders another;
 * - an item is never reported SUCCEEDED unless Zoho said so, or reading it back shows it;
 * - an item whose fate is unclear (an atomic batch refused whole, a response missing it, a 5xx
 *   or timeout after retries) is sent once more — link and unlink are idempotent in effect —
 *   and then read back, before it is reported as it truly is.
 */
import { ZohoError, getEmail, type LinkOutcome, type ZohoRequester } from '../zoho/index.ts';
import type { ZohoEmailDetail } from '../wire/index.ts';
import type { Loaders } from '../loaders/index.ts';
import type { OrgCache } from '../loaders/org-cache.ts';
import { isZohoRecordId } from '../domain/ids.ts';
import { MAX_ITEMS_PER_MUTATION, planEmails, type EmailRef, type PlannedEmail } from '../domain/link-plan.ts';
import { fromZohoError, itemError, type ItemErrorModel } from '../domain/item-errors.ts';
import type { DealModel, EmailLinkPayloadModel, EmailLinkResultModel, EmailModel } from '../graphql/models.ts';
import { badInput } from '../graphql/errors.ts';

export interface LinkServiceContext {
  zoho: ZohoRequester;
  loaders: Loaders;
  orgCache: OrgCache;
}

type Settled = { ok: true; email: EmailModel } | { ok: false; error: ItemErrorModel };

export async function linkEmailsToDeal(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
): Promise<EmailLinkPayloadModel> {
  checkSize(input.emails);
  const { dealId } = input;
  const plan = planEmails(input.emails);
  const settled = new Map<PlannedEmail, Settled>();
  const failAll = (error: ItemErrorModel) => plan.emails.forEach((p) => settled.set(p, { ok: false, error }));

  if (!isZohoRecordId(dealId)) {
    failAll(itemError('INVALID_INPUT', `"${dealId.slice(0, 40)}" is not a Zoho deal id (digits only).`, 'dealId'));
    return assemble(input.emails, plan, settled);
  }

  // The deal's name and the Deals module id are mandatory in every link item.
  const [deal, moduleId] = await Promise.all([
    ctx.loaders.deals.load(dealId).catch((e: unknown) => e as Error),
    ctx.orgCache.dealsModuleId(ctx.zoho).catch((e: unknown) => e as Error),
  ]);
  if (deal instanceof Error || moduleId instanceof Error) {
    failAll(errorOf(deal instanceof Error ? deal : moduleId, 'emails', {}));
    return assemble(input.emails, plan, settled);
  }
  if (deal === null) {
    failAll(itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId'));
    return assemble(input.emails, plan, settled);
  }
  const dealModel: DealModel = { id: dealId, name: deal.Deal_Name ?? null, record: deal };
  const owners = await resolveOwners(ctx, plan.emails);

  const write = (p: PlannedEmail, owner: KnownOwner) =>
    ctx.loaders.links.load({
      contactId: p.contactId,
      item: {
        message_id: p.messageId,
        owner: { id: owner.id, ...(owner.name ? { name: owner.name } : {}) },
        linked_record: { module: { api_name: 'Deals', id: moduleId }, id: dealId, name: deal.Deal_Name ?? '' },
      },
    });

  await Promise.all(
    plan.emails.map(async (p) => {
      const owner = owners.get(p)!;
      if ('error' in owner) return settled.set(p, { ok: false, error: owner.error });
      const outcome = await settle(p.messageId, () => write(p, owner), () => readBack(ctx, p), (email) => email?.linked_record?.id === dealId);
      settled.set(p, toSettled(p, outcome, { dealExists: true }, { ...emailModel(p, owner.detail), linkedDeal: dealModel }));
    }),
  );
  return assemble(input.emails, plan, settled);
}

export async function unlinkEmailsFromDeal(
  ctx: LinkServiceContext,
  input: { emails: readonly EmailRef[]; expectedDealId?: string | null },
): Promise<EmailLinkPayloadModel> {
  checkSize(input.emails);
  const expected = input.expectedDealId ?? null;
  const plan = planEmails(input.emails);
  const settled = new Map<PlannedEmail, Settled>();

  if (expected !== null && !isZohoRecordId(expected)) {
    plan.emails.forEach((p) =>
      settled.set(p, { ok: false, error: itemError('INVALID_INPUT', 'expectedDealId is not a Zoho deal id (digits only).', 'expectedDealId') }),
    );
    return assemble(input.emails, plan, settled);
  }

  // With an expected deal every email is read first, to see where it is linked now.
  const owners = await resolveOwners(ctx, plan.emails, expected !== null);

  await Promise.all(
    plan.emails.map(async (p) => {
      const owner = owners.get(p)!;
      if ('error' in owner) return settled.set(p, { ok: false, error: owner.error });
      if (expected !== null) {
        const current = owner.detail?.linked_record?.id ?? null;
        if (current === null) {
          // Already unlinked: nothing to do, and nothing of anyone else's is touched.
          return settled.set(p, { ok: true, email: { ...emailModel(p, owner.detail), linkedDeal: null } });
        }
        if (current !== expected) {
          return settled.set(p, {
            ok: false,
            error: itemError('CONFLICT', `The email is linked to deal ${current}, not to the expected deal ${expected}; it was left as it is.`, 'expectedDealId'),
          });
        }
      }
      const outcome = await settle(
        p.messageId,
        () => ctx.loaders.unlinks.load({ contactId: p.contactId, ownerId: owner.id, messageId: p.messageId }),
        () => readBack(ctx, p),
        (email) => email !== null && !email.linked_record,
      );
      settled.set(p, toSettled(p, outcome, {}, { ...emailModel(p, owner.detail), linkedDeal: null }));
    }),
  );
  return assemble(input.emails, plan, settled);
}

// ---------------------------------------------------------------------------------------------

function checkSize(emails: readonly EmailRef[]): void {
  if (emails.length > MAX_ITEMS_PER_MUTATION) {
    throw badInput(`At most ${MAX_ITEMS_PER_MUTATION} emails per call; got ${emails.length}. Split the list.`, {
      limit: MAX_ITEMS_PER_MUTATION,
      field: 'emails',
    });
  }
}

type KnownOwner = { id: string; name: string | null; detail: ZohoEmailDetail | null };
type Owner = KnownOwner | { error: ItemErrorModel };

/**
 * The mailbox owner of each email, which Zoho requires on link (id and name) and unlink (id).
 * Given an ownerId, the name comes from the users API (cached per org); otherwise, or when
 * `readAll`, the email itself is read.
 */
async function resolveOwners(ctx: LinkServiceContext, emails: readonly PlannedEmail[], readAll = false): Promise<Map<PlannedEmail, Owner>> {
  const out = new Map<PlannedEmail, Owner>();
  await Promise.all(
    emails.map(async (p) => {
      const at = `emails[${p.positions[0]}]`;
      try {
        let detail: ZohoEmailDetail | null = null;
        if (readAll || p.ownerId === null) {
          detail = await ctx.loaders.emailDetails.load({ module: 'Contacts', recordId: p.contactId, messageId: p.messageId });
          if (detail === null) {
            out.set(p, { error: itemError('NOT_FOUND', 'The contact has no email with this message id.', `${at}.messageId`) });
            return;
          }
        }
        if (p.ownerId === null || (detail && detail.owner.id === p.ownerId)) {
          const owner = detail!.owner;
          out.set(p, { id: owner.id ?? '', name: owner.name ?? null, detail });
          return;
        }
        const user = await ctx.orgCache.user(ctx.zoho, p.ownerId);
        if (user === null) {
          out.set(p, { error: itemError('INVALID_INPUT', 'There is no Zoho user with this id.', `${at}.ownerId`) });
          return;
        }
        out.set(p, { id: p.ownerId, name: user.full_name ?? null, detail });
      } catch (e) {
        out.set(p, { error: errorOf(e, at, {}) });
      }
    }),
  );
  return out;
}

/**
 * Sends one item, and settles an unclear answer: send once more (idempotent), then read the
 * email back and judge by what Zoho now holds.
 */
async function settle(
  messageId: string,
  send: () => Promise<LinkOutcome>,
  read: () => Promise<ZohoEmailDetail | null>,
  applied: (email: ZohoEmailDetail | null) => boolean,
): Promise<LinkOutcome | Error> {
  let outcome: LinkOutcome | Error = await send().catch((e: unknown) => e as Error);
  if (!unclear(outcome)) return outcome;
  outcome = await send().catch((e: unknown) => e as Error);
  if (!unclear(outcome)) return outcome;
  try {
    const email = await read();
    if (applied(email)) return { ok: true, messageId };
  } catch {
    // Reading back failed too: the answer stays unclear.
  }
  return outcome;
}

function unclear(o: LinkOutcome | Error): boolean {
  const e = o instanceof Error ? o : o.ok ? null : o.error;
  if (!(e instanceof ZohoError)) return false;
  return e.kind === 'unknown_result' || e.kind === 'timeout' || e.kind === 'network' || (e.status !== null && e.status >= 500);
}

function readBack(ctx: LinkServiceContext, p: PlannedEmail): Promise<ZohoEmailDetail | null> {
  return getEmail(ctx.zoho, { module: 'Contacts', recordId: p.contactId, messageId: p.messageId });
}

function toSettled(p: PlannedEmail, outcome: LinkOutcome | Error, facts: { dealExists?: boolean }, email: EmailModel): Settled {
  if (!(outcome instanceof Error) && outcome.ok) return { ok: true, email };
  const error = outcome instanceof Error ? outcome : outcome.error;
  return { ok: false, error: errorOf(error, `emails[${p.positions[0]}]`, facts) };
}

function errorOf(e: unknown, at: string, facts: { dealExists?: boolean }): ItemErrorModel {
  if (e instanceof ZohoError) return fromZohoError(e, { at, ...facts });
  return itemError('UPSTREAM_ERROR', 'The gateway could not complete this item.', null);
}

function emailModel(p: PlannedEmail, detail: ZohoEmailDetail | null): EmailModel {
  return {
    parent: { module: 'Contacts', recordId: p.contactId },
    contactId: p.contactId,
    messageId: p.messageId,
    ...(detail ? { wire: detail } : {}),
  };
}

/** One result per input item, in input order; duplicates share their email's result. */
function assemble(
  refs: readonly EmailRef[],
  plan: ReturnType<typeof planEmails>,
  settled: Map<PlannedEmail, Settled>,
): EmailLinkPayloadModel {
  const results: EmailLinkResultModel[] = refs.map((ref) => ({
    contactId: ref.contactId,
    messageId: ref.messageId,
    status: 'FAILED',
    error: itemError('UNKNOWN_RESULT', 'internal: no result was recorded for this item', null),
    email: null,
  }));
  for (const problem of plan.problems) {
    results[problem.position]!.error = itemError('INVALID_INPUT', problem.message, problem.field);
  }
  for (const p of plan.emails) {
    const s = settled.get(p);
    for (const position of p.positions) {
      const r = results[position]!;
      if (s?.ok) Object.assign(r, { status: 'SUCCEEDED', error: null, email: s.email });
      else if (s) {
        // Paths point at the item itself, not at its first duplicate.
        const field = s.error.field?.replace(/^emails\[\d+\]/, `emails[${position}]`) ?? null;
        Object.assign(r, { status: 'FAILED', error: { ...s.error, field }, email: null });
      }
    }
  }
  return { results };
}

