/**
 * The link, unlink and move workflows behind the mutations: plan the items, fill in what Zoho
 * makes mandatory, send them through the write loaders (which coalesce them into Zoho's batch
 * calls), settle each one (services/settle.ts), and answer one result per input item, in input
 * order.
 *
 * Every reported result is true:
 * - SUCCEEDED: Zoho said so, or a read-back shows it, and no attempt that would undo it can
 *   still land;
 * - FAILED: the email is as it was (for link, not on the target deal; for unlink, still on its
 *   deal; for a move, on `previousDealId`), and nothing sent for it can still land;
 * - UNKNOWN: anything else, with a message that says which case it is and whether sending the
 *   operation again is safe.
 * One item's failure never hides, fails or reorders another.
 */
import { getEmail, ZohoError, type LinkItemOutcome, type ZohoRequester, type OrgCache } from '../zoho/index.ts';
import type { ZohoEmailDetail } from '../wire/index.ts';
import type { Loaders } from '../loaders/index.ts';
import { ZOHO_ID_RULE, isZohoRecordId } from '../domain/ids.ts';
import { MAX_ITEMS_PER_MUTATION, planEmails, type EmailRef, type PlannedEmail } from '../domain/link-plan.ts';
import { itemError, type ItemErrorModel } from '../domain/item-errors.ts';
import { fromZohoError } from './item-errors.ts';
import type {
  DealModel,
  EmailLinkPayloadModel,
  EmailLinkResultModel,
  EmailModel,
  EmailMoveResultModel,
  ItemStatusModel,
  MoveEmailsToDealPayloadModel,
} from './models.ts';
import { invalidInput } from '../domain/errors.ts';
import { mayStillLand, settleWrite, type LateWrites, type LinkState, type StepResult } from './settle.ts';
import type { MoveJournal } from './operations.ts';

export interface LinkServiceContext {
  zoho: ZohoRequester;
  loaders: Loaders;
  orgCache: OrgCache;
  /** The clock and the late-write window that decide whether an unanswered attempt may still land. */
  late: LateWrites;
}

/** How one planned email ended; `extra` carries what a workflow adds to its result. */
type Verdict<X = object> = (
  { status: 'SUCCEEDED'; email: EmailModel } | { status: Exclude<ItemStatusModel, 'SUCCEEDED'>; error: ItemErrorModel }
) & { extra?: X };

export async function linkEmailsToDeal(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
): Promise<EmailLinkPayloadModel> {
  const results = await eachToDeal(ctx, input, { base: {}, readAll: false }, async (p, owner, target) => {
    const step = await linkStep(ctx, p, owner, target, (s) => s !== target.id && s !== 'gone');
    const at = atOf(p);
    if (step.kind === 'done')
      return { status: 'SUCCEEDED', email: { ...emailModel(p, owner.detail), linkedDeal: dealOf(target) } };
    if (step.kind === 'not_done')
      return { status: 'FAILED', error: fromZohoError(step.error, { at, dealExists: true }) };
    return { status: 'UNKNOWN', error: unknownError(step, ctx.late, linkAction(target)) };
  });
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
  journal: MoveJournal | null = null,
): Promise<MoveEmailsToDealPayloadModel> {
  const base: MoveFacts = { previousDealId: null, restoreAttempted: false, restored: null };
  const results = await eachToDeal(
    ctx,
    input,
    {
      base,
      readAll: true,
      // Before the first write, each email's previous deal and its target are recorded durably, so
      // that a crash in the middle leaves nothing that cannot be put right (services/recovery.ts).
      beforeWrites: journal
        ? (ready, target) =>
            journal.record(
              ready.map(({ seq, p, owner }) => {
                const on = owner.detail?.linked_record;
                return {
                  seq,
                  contactId: p.contactId,
                  messageId: p.messageId,
                  ownerId: owner.id,
                  ownerName: owner.name,
                  previousDealId: on?.id ?? null,
                  previousDealName: on?.name ?? null,
                  targetDealId: target.id,
                  targetDealName: target.name,
                  moduleId: target.moduleId,
                };
              }),
            )
        : undefined,
      // A live gateway settles every email, UNKNOWN ones included: their caller was told where the
      // email is and what to do, and may act on it at once; only a crash leaves entries to repair.
      afterEach: journal
        ? (seq, v) => journal.settle(seq, v.status === 'SUCCEEDED' ? { ...v, email: bareEmail(v.email) } : v)
        : undefined,
    },
    (p, owner, target) => moveOne(ctx, p, owner, target),
  );
  return { results };
}

async function moveOne(
  ctx: LinkServiceContext,
  p: PlannedEmail,
  owner: KnownOwner,
  target: DealTarget,
): Promise<Verdict<MoveFacts>> {
  const link = owner.detail?.linked_record;
  const previous: DealTarget | null = link?.id
    ? { id: link.id, name: link.name ?? null, moduleId: target.moduleId }
    : null;
  const facts: MoveFacts = { previousDealId: previous?.id ?? null, restoreAttempted: false, restored: null };
  const moved: EmailModel = { ...emailModel(p, owner.detail), linkedDeal: dealOf(target) };
  const at = atOf(p);
  const action = moveAction(target, previous);
  const unknown = (step: UnknownStep): Verdict<MoveFacts> => ({
    status: 'UNKNOWN',
    error: unknownError(step, ctx.late, action),
    extra: { ...facts, restored: null },
  });
  if (previous?.id === target.id) return { status: 'SUCCEEDED', email: moved, extra: facts };

  const wasOn = previous?.id ?? null;
  const first = await linkStep(ctx, p, owner, target, (s) => s === wasOn);
  if (first.kind === 'done') return { status: 'SUCCEEDED', email: moved, extra: facts };
  if (first.kind === 'unknown') return unknown(first);
  if (previous === null || first.error.code !== 'ALREADY_USED') {
    return { status: 'FAILED', error: fromZohoError(first.error, { at, dealExists: true }), extra: facts };
  }

  // Zoho will not replace the link: the article's unlink, then link.
  const unlinked = await unlinkStep(ctx, p, owner, previous.id);
  if (unlinked.kind === 'not_done') {
    const e = fromZohoError(unlinked.error, { at });
    return {
      status: 'FAILED',
      error: {
        ...e,
        message: `Zoho refused to relink the email, and unlinking it first failed (${e.message}); it is still linked to deal ${previous.id}.`,
      },
      extra: facts,
    };
  }
  if (unlinked.kind === 'unknown') return unknown(unlinked);
  // An unlink attempt that got no answer may still land, and would remove whatever link is there then.
  const strayUnlink = (state: LinkState): UnknownStep | null =>
    mayStillLand(unlinked.unansweredAt, ctx.late)
      ? { kind: 'unknown', why: 'may_still_land', error: NO_ANSWER, state, unansweredAt: unlinked.unansweredAt }
      : null;

  const second = await linkStep(ctx, p, owner, target, (s) => s === null);
  if (second.kind === 'done') {
    const stray = strayUnlink(target.id);
    return stray ? unknown(stray) : { status: 'SUCCEEDED', email: moved, extra: facts };
  }
  if (second.kind === 'unknown' && second.why === 'changed') return unknown(second);

  // The email is on no deal, or the link to the target may still land: put it back where it was.
  facts.restoreAttempted = true;
  const restore = await linkStep(ctx, p, owner, previous, (s) => s === null, true);
  if (restore.kind === 'done') {
    const pending = second.kind === 'unknown' ? { ...second, state: previous.id } : strayUnlink(previous.id);
    if (pending) return unknown(pending);
    const e = fromZohoError(second.error, { at, dealExists: true });
    return {
      status: 'FAILED',
      error: {
        ...e,
        message: `${e.message} The email was unlinked to be moved, then linked back to its previous deal ${previous.id}.`,
      },
      extra: { ...facts, restored: true },
    };
  }
  if (restore.kind === 'unknown') return unknown(restore);

  // Zoho refused to link it back. In reject mode that also happens when the link to the target
  // landed late (ALREADY_USED): only a read-back tells where the email is.
  let now: LinkState;
  try {
    now = await readBack(ctx, p);
  } catch {
    return unknown({ kind: 'unknown', why: 'read_failed', error: restore.error, state: null, unansweredAt: null });
  }
  if (now === target.id) {
    const stray = strayUnlink(now);
    return stray ? unknown(stray) : { status: 'SUCCEEDED', email: moved, extra: { ...facts, restored: false } };
  }
  if (now !== null)
    return unknown({ kind: 'unknown', why: 'changed', error: restore.error, state: now, unansweredAt: null });
  const e = fromZohoError(restore.error, { at });
  return {
    status: 'UNKNOWN',
    error: itemError(
      'UNKNOWN_RESULT',
      `The email is on no deal: Zoho refused to relink it, so it was unlinked to be moved; the link to deal ${target.id} ` +
        `failed, and linking it back to its previous deal ${previous.id} failed too (${e.message}). ` +
        `Link it to deal ${previous.id} or ${target.id}; sending the move again completes it.`,
      null,
      e.vendorCode,
    ),
    extra: { ...facts, restored: null },
  };
}

type UnknownStep = Extract<StepResult, { kind: 'unknown' }>;

/** Stands for an unlink attempt that got no answer (its own error was settled by a read-back). */
const NO_ANSWER = new ZohoError({
  kind: 'timeout',
  code: 'TIMEOUT',
  message: 'an unlink attempt got no answer',
  phase: 'no_answer',
});

export async function unlinkEmailsFromDeal(
  ctx: LinkServiceContext,
  input: { emails: readonly EmailRef[]; expectedDealId?: string | null },
): Promise<EmailLinkPayloadModel> {
  checkSize(input.emails);
  const expected = input.expectedDealId ?? null;
  const plan = planEmails(input.emails);
  const verdicts = new Map<PlannedEmail, Verdict>();

  if (expected !== null && !isZohoRecordId(expected)) {
    plan.emails.forEach((p) =>
      verdicts.set(p, {
        status: 'FAILED',
        error: itemError('INVALID_INPUT', `expectedDealId is not a Zoho deal id (${ZOHO_ID_RULE}).`, 'expectedDealId'),
      }),
    );
    return { results: assemble(input.emails, plan, verdicts, {}) };
  }

  // With an expected deal every email is read first, to see where it is linked now.
  const owners = await resolveOwners(ctx, plan.emails, expected !== null);

  await Promise.all(
    plan.emails.map(async (p) => {
      const owner = owners.get(p)!;
      if ('error' in owner) return verdicts.set(p, { status: 'FAILED', error: owner.error });
      const current = owner.detail ? (owner.detail.linked_record?.id ?? null) : undefined;
      if (expected !== null) {
        if (current === null) {
          // Already unlinked: nothing to do, and nothing of anyone else's is touched.
          return verdicts.set(p, { status: 'SUCCEEDED', email: { ...emailModel(p, owner.detail), linkedDeal: null } });
        }
        if (current !== expected) {
          return verdicts.set(p, {
            status: 'FAILED',
            error: itemError(
              'CONFLICT',
              `The email is linked to deal ${current}, not to the expected deal ${expected}; it was left as it is.`,
              'expectedDealId',
            ),
          });
        }
      }
      const step = await unlinkStep(ctx, p, owner, current);
      if (step.kind === 'done') {
        return verdicts.set(p, { status: 'SUCCEEDED', email: { ...emailModel(p, owner.detail), linkedDeal: null } });
      }
      if (step.kind === 'not_done')
        return verdicts.set(p, { status: 'FAILED', error: fromZohoError(step.error, { at: atOf(p) }) });
      return verdicts.set(p, { status: 'UNKNOWN', error: unknownError(step, ctx.late, unlinkAction()) });
    }),
  );
  return { results: assemble(input.emails, plan, verdicts, {}) };
}

// ---------------------------------------------------------------------------------------------

/** A deal to link to, with what Zoho makes mandatory in every link item. */
type DealTarget = { id: string; name: string | null; moduleId: string };

/**
 * The frame of a workflow that sends emails to one deal: plan the items, read the target deal,
 * find each email's owner, run `each` on every email concurrently (so that their writes coalesce
 * in the loaders), and answer one result per input item.
 */
async function eachToDeal<X extends object>(
  ctx: LinkServiceContext,
  input: { dealId: string; emails: readonly EmailRef[] },
  opts: {
    base: X;
    readAll: boolean;
    /** Runs once every email's owner is known, before any write; `seq` is the email's index in the plan. */
    beforeWrites?:
      | ((ready: Array<{ seq: number; p: PlannedEmail; owner: KnownOwner }>, target: DealTarget) => Promise<void>)
      | undefined;
    /** Runs as each email's verdict is known. */
    afterEach?: ((seq: number, verdict: Verdict<X>) => Promise<void>) | undefined;
  },
  each: (p: PlannedEmail, owner: KnownOwner, target: DealTarget) => Promise<Verdict<X>>,
): Promise<Array<EmailLinkResultModel & X>> {
  checkSize(input.emails);
  const plan = planEmails(input.emails);
  const verdicts = new Map<PlannedEmail, Verdict<X>>();
  const target = await loadTarget(ctx, input.dealId);
  if ('code' in target) {
    plan.emails.forEach((p) => verdicts.set(p, { status: 'FAILED', error: target }));
  } else {
    const owners = await resolveOwners(ctx, plan.emails, opts.readAll);
    const ready = plan.emails.flatMap((p, seq) => {
      const owner = owners.get(p)!;
      return 'error' in owner ? [] : [{ seq, p, owner }];
    });
    await opts.beforeWrites?.(ready, target);
    plan.emails.forEach((p) => {
      const owner = owners.get(p)!;
      if ('error' in owner) verdicts.set(p, { status: 'FAILED', error: owner.error });
    });
    await Promise.all(
      ready.map(async ({ seq, p, owner }) => {
        const verdict = await each(p, owner, target);
        verdicts.set(p, verdict);
        await opts.afterEach?.(seq, verdict);
      }),
    );
  }
  return assemble(input.emails, plan, verdicts, opts.base);
}

/** The target deal, read once with the (cached) Deals module id; or why no email can go there. */
async function loadTarget(ctx: LinkServiceContext, dealId: string): Promise<DealTarget | ItemErrorModel> {
  if (!isZohoRecordId(dealId)) {
    return itemError('INVALID_INPUT', `"${dealId.slice(0, 40)}" is not a Zoho deal id (${ZOHO_ID_RULE}).`, 'dealId');
  }
  const [deal, moduleId] = await Promise.all([
    ctx.loaders.deals.load(dealId).catch((e: unknown) => e as Error),
    ctx.orgCache.dealsModuleId(ctx.zoho).catch((e: unknown) => e as Error),
  ]);
  if (deal instanceof Error || moduleId instanceof Error) {
    return errorOf(deal instanceof Error ? deal : moduleId, 'emails', {});
  }
  if (deal === null) return itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId');
  return { id: dealId, name: deal.Deal_Name ?? null, moduleId };
}

function dealOf(t: DealTarget): DealModel {
  return { id: t.id, name: t.name };
}

/** Links one email through the coalescing loader, and settles the answer. */
function linkStep(
  ctx: LinkServiceContext,
  p: PlannedEmail,
  owner: KnownOwner,
  target: DealTarget,
  old: (state: LinkState) => boolean,
  essential = false,
): Promise<StepResult> {
  const write = (): Promise<LinkItemOutcome> =>
    ctx.loaders.links.load({
      contactId: p.contactId,
      ...(essential ? { essential: true } : {}),
      item: {
        message_id: p.messageId,
        owner: { id: owner.id, ...(owner.name ? { name: owner.name } : {}) },
        linked_record: { module: { api_name: 'Deals', id: target.moduleId }, id: target.id, name: target.name ?? '' },
      },
    });
  return settleWrite({ write, readBack: () => readBack(ctx, p), desired: (s) => s === target.id, old, late: ctx.late });
}

/**
 * Unlinks one email through the coalescing loader, and settles the answer. `wasOn` is the deal it
 * was read on, when it was read; otherwise any deal counts as "as it was".
 */
function unlinkStep(
  ctx: LinkServiceContext,
  p: PlannedEmail,
  owner: KnownOwner,
  wasOn: string | null | undefined,
): Promise<StepResult> {
  return settleWrite({
    write: () => ctx.loaders.unlinks.load({ contactId: p.contactId, ownerId: owner.id, messageId: p.messageId }),
    readBack: () => readBack(ctx, p),
    desired: (s) => s === null,
    old: (s) => (wasOn === undefined ? s !== null && s !== 'gone' : s === wasOn),
    late: ctx.late,
  });
}

/** The email's link now, straight from Zoho: no loader, no cache. */
async function readBack(ctx: LinkServiceContext, p: PlannedEmail): Promise<LinkState> {
  const email = await getEmail(ctx.zoho, {
    module: 'Contacts',
    recordId: p.contactId,
    messageId: p.messageId,
    fresh: true,
  });
  if (email === null) return 'gone';
  return email.linked_record?.id ?? null;
}

/** What an operation set out to do, for the message of an UNKNOWN result. */
interface Action {
  /** "the email is linked to deal 42", completing "whether …". */
  done: string;
  /** Whether, and how, the operation may be sent again. */
  again: string;
}

const linkAction = (t: DealTarget): Action => ({
  done: `the email is linked to deal ${t.id}`,
  again: 'Sending the same link again is safe.',
});
const unlinkAction = (): Action => ({
  done: 'the email was unlinked',
  again: 'Sending the same unlink again is safe.',
});
const moveAction = (t: DealTarget, previous: DealTarget | null): Action => ({
  done: `the email moved to deal ${t.id}${previous ? ` from deal ${previous.id}` : ''}`,
  again: 'Sending the same move again completes it.',
});

function stateText(state: LinkState | null): string {
  if (state === 'gone') return 'no longer listed under its contact';
  return state === null ? 'linked to no deal' : `linked to deal ${state}`;
}

function causeText(e: ZohoError): string {
  switch (e.kind) {
    case 'timeout':
      return 'Zoho did not answer in time.';
    case 'network':
      return 'The connection to Zoho failed before its answer came.';
    case 'unavailable':
      return `Zoho failed (HTTP ${e.status ?? '5xx'}) after it may have applied the change.`;
    case 'invalid_response':
      return "Zoho's answer could not be read.";
    case 'unknown_result':
      return "Zoho's answer did not mention this email.";
    default:
      return `Zoho's answers did not settle it (last: ${e.code}).`;
  }
}

/** The ItemError of an UNKNOWN result: which case it is, and whether sending again is safe. */
function unknownError(step: UnknownStep, late: LateWrites, action: Action): ItemErrorModel {
  const cause = causeText(step.error);
  const vendor = step.error.fromZoho ? step.error.code : null;
  const text =
    step.why === 'read_failed'
      ? `${cause} Reading the email back failed too, so whether ${action.done} is unknown.`
      : step.why === 'may_still_land'
        ? `${cause} A request that got no answer may still be applied by Zoho within ${Math.round(late.windowMs / 1000)} s ` +
          `of being sent; the email is ${stateText(step.state)} now. Read it again later.`
        : `${cause} The email is ${stateText(step.state)} now: neither as asked nor as it was.`;
  return itemError('UNKNOWN_RESULT', `${text} ${action.again}`, null, vendor);
}

function checkSize(emails: readonly EmailRef[]): void {
  if (emails.length > MAX_ITEMS_PER_MUTATION) {
    throw invalidInput(`At most ${MAX_ITEMS_PER_MUTATION} emails per call; got ${emails.length}. Split the list.`, {
      limit: MAX_ITEMS_PER_MUTATION,
      field: 'emails',
    });
  }
}

const atOf = (p: PlannedEmail): string => `emails[${p.positions[0]}]`;

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
      const at = atOf(p);
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
  verdicts: Map<PlannedEmail, Verdict<X>>,
  base: X,
): Array<EmailLinkResultModel & X> {
  const results: Array<EmailLinkResultModel & X> = refs.map((ref) => ({
    ...base,
    contactId: ref.contactId,
    messageId: ref.messageId,
    status: 'UNKNOWN',
    error: itemError('UNKNOWN_RESULT', 'internal: no result was recorded for this item', null),
    email: null,
  }));
  for (const problem of plan.problems) {
    Object.assign(results[problem.position]!, {
      status: 'FAILED',
      error: itemError('INVALID_INPUT', problem.message, problem.field),
    });
  }
  for (const p of plan.emails) {
    const v = verdicts.get(p);
    if (!v) continue;
    for (const position of p.positions) {
      const r = results[position]!;
      if (v.extra) Object.assign(r, v.extra);
      if (v.status === 'SUCCEEDED') Object.assign(r, { status: 'SUCCEEDED', error: null, email: v.email });
      else {
        // Paths point at the item itself, not at its first duplicate.
        const field = v.error.field?.replace(/^emails\[\d+\]/, `emails[${position}]`) ?? null;
        Object.assign(r, { status: v.status, error: { ...v.error, field }, email: null });
      }
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Results kept under an idempotency key, and moves repaired after a crash

/**
 * A stored payload of link, unlink or move, as the email now is: every UNKNOWN item is read back
 * (past every cache). It becomes SUCCEEDED when the email is as asked; FAILED when it is as it
 * was and the late-write window has passed since the call finished; otherwise it stays UNKNOWN.
 */
export async function revisitResults<P extends EmailLinkPayloadModel | MoveEmailsToDealPayloadModel>(
  ctx: LinkServiceContext,
  mutation: 'linkEmailsToDeal' | 'unlinkEmailsFromDeal' | 'moveEmailsToDeal',
  /** The deal the emails were to go to; null for an unlink. */
  dealId: string | null,
  stored: P,
  finishedAt: number,
): Promise<P> {
  if (!stored.results.some((r) => r.status === 'UNKNOWN')) return stored;
  const settledSince = !mayStillLand(finishedAt, ctx.late);
  const results = await Promise.all(
    stored.results.map(async (r) => {
      if (r.status !== 'UNKNOWN') return r;
      let state: LinkState;
      try {
        state = await readBack(ctx, { contactId: r.contactId, messageId: r.messageId, ownerId: null, positions: [0] });
      } catch {
        return r;
      }
      const desired = mutation === 'unlinkEmailsFromDeal' ? null : dealId;
      const previous = 'previousDealId' in r ? (r as EmailMoveResultModel).previousDealId : undefined;
      const asItWas =
        mutation === 'linkEmailsToDeal'
          ? state !== desired && state !== 'gone'
          : mutation === 'unlinkEmailsFromDeal'
            ? state !== null && state !== 'gone'
            : state === previous;
      const email: EmailModel = {
        parent: { module: 'Contacts', recordId: r.contactId },
        contactId: r.contactId,
        messageId: r.messageId,
        linkedDeal: desired === null ? null : { id: desired },
      };
      if (state === desired) return { ...r, status: 'SUCCEEDED' as const, error: null, email, restored: null };
      if (settledSince && asItWas) {
        return {
          ...r,
          status: 'FAILED' as const,
          error: itemError(
            'UPSTREAM_UNAVAILABLE',
            `Zoho's answers were lost, and the email has not changed since: it is ${stateText(state)}, as it was.`,
            null,
            r.error?.vendorCode ?? null,
          ),
          email: null,
        };
      }
      return r;
    }),
  );
  return { ...stored, results } as P;
}

/** An email of a move cut off by a crash, as the journal recorded it before the first write. */
export interface InterruptedMove {
  seq: number;
  contactId: string;
  messageId: string;
  ownerId: string;
  ownerName: string | null;
  previousDealId: string | null;
  previousDealName: string | null;
  targetDealId: string;
  targetDealName: string | null;
  moduleId: string;
}

export type MoveVerdict = Verdict<MoveFacts>;

/**
 * Puts right one email of a move whose gateway died: once no write of the dead process can still
 * land, where is it? On the target: the move happened. On its previous deal: it did not, and the
 * email is as it was. On no deal (the move had unlinked it): it is linked back to its previous
 * deal. This is the one rule: a move cut off by a crash is rolled back for the emails it left on
 * no deal, and left as it is for the others; sending the move again completes it.
 */
export async function repairInterruptedMove(ctx: LinkServiceContext, e: InterruptedMove): Promise<MoveVerdict> {
  const p: PlannedEmail = { contactId: e.contactId, messageId: e.messageId, ownerId: e.ownerId, positions: [e.seq] };
  const facts: MoveFacts = { previousDealId: e.previousDealId, restoreAttempted: false, restored: null };
  const target: DealTarget = { id: e.targetDealId, name: e.targetDealName, moduleId: e.moduleId };
  const interrupted = (message: string, extra: Partial<MoveFacts> = {}): MoveVerdict => ({
    status: 'FAILED',
    error: itemError('INTERRUPTED', message, null),
    extra: { ...facts, ...extra },
  });
  let state: LinkState;
  try {
    state = await readBack(ctx, p);
  } catch (err) {
    const unknownStep: UnknownStep = {
      kind: 'unknown',
      why: 'read_failed',
      error: err instanceof ZohoError ? err : NO_ANSWER,
      state: null,
      unansweredAt: null,
    };
    return { status: 'UNKNOWN', error: unknownError(unknownStep, ctx.late, moveAction(target, null)), extra: facts };
  }
  if (state === target.id) {
    return {
      status: 'SUCCEEDED',
      email: { ...emailModel(p, null), linkedDeal: dealOf(target) },
      extra: facts,
    };
  }
  if (state === e.previousDealId) {
    return interrupted(
      `The gateway stopped before this email was moved; it is ${stateText(state)}, as it was. Send the move again to complete it.`,
    );
  }
  if (state === null && e.previousDealId !== null) {
    const previous: DealTarget = { id: e.previousDealId, name: e.previousDealName, moduleId: e.moduleId };
    const owner: KnownOwner = { id: e.ownerId, name: e.ownerName, detail: null };
    const restore = await linkStep(ctx, p, owner, previous, (s) => s === null, true);
    if (restore.kind === 'done') {
      return interrupted(
        `The gateway stopped in the middle of this move, with the email on no deal; it was linked back to its previous deal ${previous.id}. Send the move again to complete it.`,
        { restoreAttempted: true, restored: true },
      );
    }
    const step: UnknownStep =
      restore.kind === 'unknown'
        ? restore
        : { kind: 'unknown', why: 'changed', error: restore.error, state: null, unansweredAt: null };
    return { status: 'UNKNOWN', error: unknownError(step, ctx.late, moveAction(target, previous)), extra: facts };
  }
  // On a third deal, or gone: someone else changed it; it is left as it is.
  const changed: UnknownStep = { kind: 'unknown', why: 'changed', error: NO_ANSWER, state, unansweredAt: null };
  return { status: 'UNKNOWN', error: unknownError(changed, ctx.late, moveAction(target, null)), extra: facts };
}

/**
 * A move's payload from its input and the verdicts known by plan index: an email never written
 * (the gateway stopped before it) is FAILED with INTERRUPTED, as it was.
 */
export function moveResultsFrom(
  input: { emails: readonly EmailRef[] },
  verdictsBySeq: ReadonlyMap<number, MoveVerdict>,
): MoveEmailsToDealPayloadModel {
  const plan = planEmails(input.emails);
  const base: MoveFacts = { previousDealId: null, restoreAttempted: false, restored: null };
  const verdicts = new Map<PlannedEmail, MoveVerdict>();
  plan.emails.forEach((p, seq) =>
    verdicts.set(
      p,
      verdictsBySeq.get(seq) ?? {
        status: 'FAILED',
        error: itemError(
          'INTERRUPTED',
          'The gateway stopped before this email was sent to Zoho; it is as it was.',
          null,
        ),
      },
    ),
  );
  return { results: assemble(input.emails, plan, verdicts, base) };
}

/** An email as it is kept with a result: its ids and its new deal, not Zoho's record (a body can be large). */
export function bareEmail(e: EmailModel | null): EmailModel | null {
  if (!e) return null;
  return {
    parent: e.parent,
    contactId: e.contactId,
    messageId: e.messageId,
    ...(e.linkedDeal !== undefined
      ? { linkedDeal: e.linkedDeal && { id: e.linkedDeal.id, name: e.linkedDeal.name ?? null } }
      : {}),
  };
}

/** A link, unlink or move payload as it is kept under its idempotency key. */
export function keepResults<P extends EmailLinkPayloadModel | MoveEmailsToDealPayloadModel>(payload: P): P {
  return { ...payload, results: payload.results.map((r) => ({ ...r, email: bareEmail(r.email) })) } as P;
}
