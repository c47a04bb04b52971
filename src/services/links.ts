/**
 * The link and unlink workflows behind the mutations: plan the items, fill in what Zoho makes
 * mandatory, send them through the write loaders, and turn every answer into one result per
 * input item, in input order.
 *
 * Guarantees:
 * - one item's failure never hides, fails or reorders another;
 * - an item is never reported SUCCEEDED unless Zoho said so, or reading it back shows it;
 * - an item whose fate is unclear is settled before it is reported as it truly is: one the
 *   answer left out (an atomic batch refused whole) is sent once more — link and unlink are
 *   idempotent in effect — and one that met a 5xx or timeout after the client's retries is read
 *   back;
 * - a move never leaves an email on no deal without its result saying so.
 */
import { ZohoError, getEmail, type LinkOutcome, type ZohoRequester } from '../zoho/index.ts';
import type { ZohoEmailDetail } from '../wire/index.ts';
import type { Loaders } from '../loaders/index.ts';
import type { OrgCache } from '../loaders/org-cache.ts';
import { isZohoRecordId } from '../domain/ids.ts';
import { MAX_ITEMS_PER_MUTATION, planEmails, type EmailRef, type PlannedEmail } from '../domain/link-plan.ts';
import { fromZohoError, itemError, type ItemErrorModel } from '../domain/item-errors.ts';
import type {
  DealModel,
  EmailLinkPayloadModel,
  EmailLinkResultModel,
  EmailModel,
  EmailMoveResultModel,
  MoveEmailsToDealPayloadModel,
} from '../graphql/models.ts';
import { badInput } from '../graphql/errors.ts';

export interface LinkServiceContext {
  zoho: ZohoRequester;
  loaders: Loaders;
  orgCache: OrgCache;
}

/** How one planned email ended; `extra` carries what a workflow adds to its result. */
type Settled<X = object> = ({ ok: true; email: EmailModel } | { ok: false; error: ItemErrorModel }) & { extra?: X };

export async function linkEmailsToDeal(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
): Promise<EmailLinkPayloadModel> {
  const results = await eachToDeal(ctx, input, { base: {}, readAll: false }, async (p, owner, target) =>
    toSettled(
      p,
      await linkOne(ctx, p, owner, target),
      { dealExists: true },
      { ...emailModel(p, owner.detail), linkedDeal: dealOf(target) },
    ),
  );
  return { results };
}

type MoveFacts = Pick<EmailMoveResultModel, 'previousDealId' | 'restoreAttempted' | 'restored'>;

/**
 * Moves emails to a deal. Each email is read once (owner, current deal); those already on the
 * deal succeed with no call; the rest are linked, which where Zoho replaces links is the whole
 * move (one call per 20 emails of a contact). Emails whose relink Zoho refuses (ALREADY_USED)
 * are unlinked and then linked; if that link fails, they are linked back to their previous deal.
 */
export async function moveEmailsToDeal(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
): Promise<MoveEmailsToDealPayloadModel> {
  const base: MoveFacts = { previousDealId: null, restoreAttempted: false, restored: null };
  const results = await eachToDeal(ctx, input, { base, readAll: true }, (p, owner, target) =>
    moveOne(ctx, p, owner, target),
  );
  return { results };
}

/**
 * The frame of a workflow that sends emails to one deal: plan the items, read the target deal,
 * find each email's owner, run `each` on every email concurrently (so that their writes coalesce
 * in the loaders), and answer one result per input item.
 */
async function eachToDeal<X extends object>(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
  opts: { base: X; readAll: boolean },
  each: (p: PlannedEmail, owner: KnownOwner, target: DealTarget) => Promise<Settled<X>>,
): Promise<Array<EmailLinkResultModel & X>> {
  checkSize(input.emails);
  const plan = planEmails(input.emails);
  const settled = new Map<PlannedEmail, Settled<X>>();
  const target = await loadTarget(ctx, input.dealId);
  if ('code' in target) {
    plan.emails.forEach((p) => settled.set(p, { ok: false, error: target }));
  } else {
    const owners = await resolveOwners(ctx, plan.emails, opts.readAll);
    await Promise.all(
      plan.emails.map(async (p) => {
        const owner = owners.get(p)!;
        settled.set(p, 'error' in owner ? { ok: false, error: owner.error } : await each(p, owner, target));
      }),
    );
  }
  return assemble(input.emails, plan, settled, opts.base);
}

async function moveOne(
  ctx: LinkServiceContext,
  p: PlannedEmail,
  owner: KnownOwner,
  target: DealTarget,
): Promise<Settled<MoveFacts>> {
  const link = owner.detail?.linked_record;
  const previous: DealTarget | null = link?.id
    ? { id: link.id, name: link.name ?? null, moduleId: target.moduleId }
    : null;
  const facts: MoveFacts = { previousDealId: previous?.id ?? null, restoreAttempted: false, restored: null };
  const moved: EmailModel = { ...emailModel(p, owner.detail), linkedDeal: dealOf(target) };
  const at = `emails[${p.positions[0]}]`;
  if (previous?.id === target.id) return { ok: true, email: moved, extra: facts };

  const first = await linkOne(ctx, p, owner, target);
  if (previous === null || !refusedRelink(first))
    return { ...toSettled(p, first, { dealExists: true }, moved), extra: facts };

  // Zoho will not replace the link: the article's unlink, then link.
  const unlinked = await unlinkOne(ctx, p, owner);
  if (!succeeded(unlinked) && !unclear(unlinked)) {
    // Zoho refused the unlink outright: nothing changed.
    const e = errorOf(failureOf(unlinked), at, {});
    return {
      ok: false,
      error: {
        ...e,
        message: `Zoho refused to relink the email, and unlinking it first failed (${e.message}); it is still linked to deal ${previous.id}.`,
      },
      extra: facts,
    };
  }
  // After an unclear unlink the email may be on no deal: linking it back settles that either way.
  const second = succeeded(unlinked) ? await linkOne(ctx, p, owner, target) : unlinked;
  if (succeeded(second)) return { ok: true, email: moved, extra: facts };

  const e = errorOf(failureOf(second), at, { dealExists: true });
  const restore = await linkOne(ctx, p, owner, previous);
  const restored = succeeded(restore);
  const state = restored
    ? `it was then linked back to its previous deal ${previous.id}.`
    : unclear(restore)
      ? `and linking it back to its previous deal ${previous.id} could not be confirmed: it may now be linked to no deal.`
      : `and linking it back to its previous deal ${previous.id} failed too: it is now linked to no deal.`;
  const how = succeeded(unlinked)
    ? 'The email was unlinked to be moved,'
    : 'Whether the unlink before the move landed is unclear;';
  return {
    ok: false,
    error: { ...e, message: `${e.message} ${how} ${state}` },
    extra: { ...facts, restoreAttempted: true, restored },
  };
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
      settled.set(p, {
        ok: false,
        error: itemError('INVALID_INPUT', 'expectedDealId is not a Zoho deal id (digits only).', 'expectedDealId'),
      }),
    );
    return { results: assemble(input.emails, plan, settled, {}) };
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
            error: itemError(
              'CONFLICT',
              `The email is linked to deal ${current}, not to the expected deal ${expected}; it was left as it is.`,
              'expectedDealId',
            ),
          });
        }
      }
      const outcome = await unlinkOne(ctx, p, owner);
      settled.set(p, toSettled(p, outcome, {}, { ...emailModel(p, owner.detail), linkedDeal: null }));
    }),
  );
  return { results: assemble(input.emails, plan, settled, {}) };
}

// ---------------------------------------------------------------------------------------------

/** A deal to link to, with what Zoho makes mandatory in every link item. */
type DealTarget = { id: string; name: string | null; moduleId: string };

/** The target deal, read once with the (cached) Deals module id; or why no email can go there. */
async function loadTarget(ctx: LinkServiceContext, dealId: string): Promise<DealTarget | ItemErrorModel> {
  if (!isZohoRecordId(dealId))
    return itemError('INVALID_INPUT', `"${dealId.slice(0, 40)}" is not a Zoho deal id (digits only).`, 'dealId');
  const [deal, moduleId] = await Promise.all([
    ctx.loaders.deals.load(dealId).catch((e: unknown) => e as Error),
    ctx.orgCache.dealsModuleId(ctx.zoho).catch((e: unknown) => e as Error),
  ]);
  if (deal instanceof Error || moduleId instanceof Error)
    return errorOf(deal instanceof Error ? deal : moduleId, 'emails', {});
  if (deal === null) return itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId');
  return { id: dealId, name: deal.Deal_Name ?? null, moduleId };
}

function dealOf(t: DealTarget): DealModel {
  return { id: t.id, name: t.name };
}

/** Links one email through the coalescing loader, settling an unclear answer by reading it back. */
function linkOne(
  ctx: LinkServiceContext,
  p: PlannedEmail,
  owner: KnownOwner,
  target: DealTarget,
): Promise<LinkOutcome | Error> {
  const write = () =>
    ctx.loaders.links.load({
      contactId: p.contactId,
      item: {
        message_id: p.messageId,
        owner: { id: owner.id, ...(owner.name ? { name: owner.name } : {}) },
        linked_record: { module: { api_name: 'Deals', id: target.moduleId }, id: target.id, name: target.name ?? '' },
      },
    });
  return settle(
    p.messageId,
    write,
    () => readBack(ctx, p),
    (email) => email?.linked_record?.id === target.id,
  );
}

function unlinkOne(ctx: LinkServiceContext, p: PlannedEmail, owner: KnownOwner): Promise<LinkOutcome | Error> {
  return settle(
    p.messageId,
    () => ctx.loaders.unlinks.load({ contactId: p.contactId, ownerId: owner.id, messageId: p.messageId }),
    () => readBack(ctx, p),
    (email) => email !== null && !email.linked_record,
  );
}

function succeeded(o: LinkOutcome | Error): boolean {
  return !(o instanceof Error) && o.ok;
}

function failureOf(o: LinkOutcome | Error): unknown {
  return o instanceof Error ? o : o.ok ? null : o.error;
}

/** Zoho refused to replace the email's link (ALREADY_USED) and applied nothing. */
function refusedRelink(o: LinkOutcome | Error): boolean {
  const e = failureOf(o);
  return e instanceof ZohoError && e.code === 'ALREADY_USED';
}

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
async function resolveOwners(
  ctx: LinkServiceContext,
  emails: readonly PlannedEmail[],
  readAll = false,
): Promise<Map<PlannedEmail, Owner>> {
  const out = new Map<PlannedEmail, Owner>();
  await Promise.all(
    emails.map(async (p) => {
      const at = `emails[${p.positions[0]}]`;
      try {
        let detail: ZohoEmailDetail | null = null;
        if (readAll || p.ownerId === null) {
          detail = await ctx.loaders.emailDetails.load({
            module: 'Contacts',
            recordId: p.contactId,
            messageId: p.messageId,
          });
          if (detail === null) {
            out.set(p, {
              error: itemError('NOT_FOUND', 'The contact has no email with this message id.', `${at}.messageId`),
            });
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
  // An item the answer left out (an atomic batch refused whole) was not tried: send it again.
  // A 5xx or timeout was already retried by the client, so sending again would only repeat that
  // wait; read the email back instead.
  if (missingFromAnswer(outcome)) {
    outcome = await send().catch((e: unknown) => e as Error);
    if (!unclear(outcome)) return outcome;
  }
  try {
    const email = await read();
    if (applied(email)) return { ok: true, messageId };
  } catch {
    // Reading back failed too: the answer stays unclear.
  }
  return outcome;
}

function zohoErrorOf(o: LinkOutcome | Error): ZohoError | null {
  const e = o instanceof Error ? o : o.ok ? null : o.error;
  return e instanceof ZohoError ? e : null;
}

function unclear(o: LinkOutcome | Error): boolean {
  const e = zohoErrorOf(o);
  if (!e) return false;
  return (
    e.kind === 'unknown_result' ||
    e.kind === 'timeout' ||
    e.kind === 'network' ||
    (e.status !== null && e.status >= 500)
  );
}

function missingFromAnswer(o: LinkOutcome | Error): boolean {
  return zohoErrorOf(o)?.kind === 'unknown_result';
}

function readBack(ctx: LinkServiceContext, p: PlannedEmail): Promise<ZohoEmailDetail | null> {
  return getEmail(ctx.zoho, { module: 'Contacts', recordId: p.contactId, messageId: p.messageId });
}

function toSettled(
  p: PlannedEmail,
  outcome: LinkOutcome | Error,
  facts: { dealExists?: boolean },
  email: EmailModel,
): Settled {
  if (succeeded(outcome)) return { ok: true, email };
  return { ok: false, error: errorOf(failureOf(outcome), `emails[${p.positions[0]}]`, facts) };
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

/**
 * One result per input item, in input order; duplicates share their email's result. `base` is
 * what a workflow's result carries when nothing more is known (an item refused before any call).
 */
function assemble<X extends object>(
  refs: readonly EmailRef[],
  plan: ReturnType<typeof planEmails>,
  settled: Map<PlannedEmail, Settled<X>>,
  base: X,
): Array<EmailLinkResultModel & X> {
  const results: Array<EmailLinkResultModel & X> = refs.map((ref) => ({
    ...base,
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
      if (s?.extra) Object.assign(r, s.extra);
      if (s?.ok) Object.assign(r, { status: 'SUCCEEDED', error: null, email: s.email });
      else if (s) {
        // Paths point at the item itself, not at its first duplicate.
        const field = s.error.field?.replace(/^emails\[\d+\]/, `emails[${position}]`) ?? null;
        Object.assign(r, { status: 'FAILED', error: { ...s.error, field }, email: null });
      }
    }
  }
  return results;
}
