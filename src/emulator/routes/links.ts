/**
 * Link Deal to Emails and Unlink Deal from Emails (docs/zoho-notes.md §5, §6; Kaizen #229):
 *   POST/DELETE /Contacts/{id}/Emails/actions/link_record
 *   POST/DELETE /Contacts/{id}/Emails/{message_id}/actions/link_record
 * The rules are in domain/links.ts; this file reads the request, and applies the plan in one
 * transaction. Only Contacts is a valid parent (other modules fall through to 404).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  LINK_SUCCESS_MESSAGE,
  UNLINK_SUCCESS_MESSAGE,
  batchAnswer,
  planLinks,
  planUnlinks,
  type ItemPlan,
  type LinkLookup,
} from '../domain/links.ts';
import { applyRelinkMode, batchModeAnswer } from '../domain/link-modes.ts';
import { errors } from '../http/errors.ts';
import type { Store } from '../store/index.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, queryParam, requireDigits } from './shared.ts';
import { isMessageId } from '../domain/ids.ts';

export const MAX_LINK_ITEMS = 20;
export const MAX_UNLINK_IDS = 20;
export const MAX_MESSAGE_IDS_CHARS = 2000;

export function linkLookup(store: Store, orgId: string, contactId: string): LinkLookup {
  return {
    emailUnderContact(messageId) {
      if (!store.isEmailUnder(orgId, messageId, 'Contacts', contactId)) return undefined;
      const row = store.getEmail(orgId, messageId);
      return row ? { ownerId: row.owner_id, linkedDealId: row.linked_deal_id } : undefined;
    },
    dealRelatedToContact: (dealId) => store.isDealRelatedToContact(orgId, dealId, contactId),
    dealsModuleId: store.getModule(orgId, 'Deals')?.id ?? '',
  };
}

/** Applies the good items of a plan (the caller holds the transaction). */
export function applyPlan(store: Store, orgId: string, plans: readonly ItemPlan[]): void {
  for (const p of plans) if (p.ok) store.setEmailLink(orgId, p.messageId, p.dealId);
}

function contactOf(store: Store, orgId: string, rawId: string): string {
  const id = requireDigits(rawId);
  // An unknown contact in a well-formed path: INVALID_DATA, as Get Emails answers it.
  if (!store.recordExists(orgId, 'Contacts', id)) throw errors.invalidPathId(1);
  return id;
}

/** The `Emails` array of a link body; a missing or empty one is the OAS's top-level MANDATORY_NOT_FOUND. */
function emailsOfBody(body: unknown, max: number): unknown[] {
  const emails =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { Emails?: unknown }).Emails
      : undefined;
  if (emails === undefined || emails === null || (Array.isArray(emails) && emails.length === 0))
    throw errors.mandatoryNotFound('Emails');
  if (!Array.isArray(emails)) throw errors.maximumLength(max, 'Emails');
  // Decision: over the OAS's maxItems the whole call is refused, in the shape Zoho's
  // associate_email.yaml gives its own item limit.
  if (emails.length > max) throw errors.maximumLength(max, 'Emails');
  return emails;
}

function ownerIdParam(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw errors.mandatoryNotFound('owner_id');
  // A malformed owner id names nobody: every email then fails its owner check (per item).
  return raw;
}

/** The single-email endpoints' OAS allows one error per item: the first one found is reported. */
function singleError(plans: ItemPlan[], single: boolean): ItemPlan[] {
  return single ? plans.map((p) => (p.ok ? p : { ...p, errors: p.errors.slice(0, 1) })) : plans;
}

function send(reply: FastifyReply, answer: ReturnType<typeof batchAnswer>): FastifyReply {
  return reply.code(answer.status).send(answer.body);
}

export function registerLinkRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  const link = (contactRaw: string, body: unknown, orgId: string, pathMessageId?: string) => {
    const contactId = contactOf(store, orgId, contactRaw);
    const items = emailsOfBody(body, pathMessageId === undefined ? MAX_LINK_ITEMS : 1);
    return store.tx(() => {
      const plans = singleError(
        planLinks(items, linkLookup(store, orgId, contactId), pathMessageId),
        pathMessageId !== undefined,
      );
      // The configured relinkMode and batchMode decide before anything is written (domain/link-modes.ts).
      const moded = applyRelinkMode(plans, ctx.config.current.relinkMode, pathMessageId !== undefined);
      const answer = batchModeAnswer(moded, ctx.config.current.batchMode, LINK_SUCCESS_MESSAGE);
      if (answer.apply) applyPlan(store, orgId, moded);
      return answer;
    });
  };

  const unlink = (
    contactRaw: string,
    ownerRaw: string | undefined,
    messageIds: string[],
    orgId: string,
    single: boolean,
  ) => {
    const contactId = contactOf(store, orgId, contactRaw);
    const ownerId = ownerIdParam(ownerRaw);
    return store.tx(() => {
      const plans = singleError(planUnlinks(ownerId, messageIds, linkLookup(store, orgId, contactId), single), single);
      const answer = batchModeAnswer(plans, ctx.config.current.batchMode, UNLINK_SUCCESS_MESSAGE);
      if (answer.apply) applyPlan(store, orgId, plans);
      return answer;
    });
  };

  app.post<{ Params: { id: string } }>('/crm/v8/Contacts/:id/Emails/actions/link_record', async (req, reply) => {
    const { orgId } = callerOf(req);
    return send(reply, link(req.params.id, req.body, orgId));
  });

  app.post<{ Params: { id: string; messageId: string } }>(
    '/crm/v8/Contacts/:id/Emails/:messageId/actions/link_record',
    async (req, reply) => {
      const { orgId } = callerOf(req);
      if (!isMessageId(req.params.messageId)) throw errors.invalidUrlPattern();
      return send(reply, link(req.params.id, req.body, orgId, req.params.messageId));
    },
  );

  app.delete<{ Params: { id: string } }>('/crm/v8/Contacts/:id/Emails/actions/link_record', async (req, reply) => {
    const { orgId } = callerOf(req);
    requireDigits(req.params.id);
    const raw = queryParam(req, 'message_ids');
    if (raw === undefined || raw === '') throw errors.mandatoryNotFound('message_ids');
    // Decision: over 2000 characters or 20 ids the whole call is refused (as for link's 20 items).
    if (raw.length > MAX_MESSAGE_IDS_CHARS) throw errors.maximumLength(MAX_MESSAGE_IDS_CHARS, 'message_ids');
    const ids = raw.split(',').map((s) => s.trim());
    if (ids.length > MAX_UNLINK_IDS) throw errors.maximumLength(MAX_UNLINK_IDS, 'message_ids');
    return send(reply, unlink(req.params.id, queryParam(req, 'owner_id'), ids, orgId, false));
  });

  app.delete<{ Params: { id: string; messageId: string } }>(
    '/crm/v8/Contacts/:id/Emails/:messageId/actions/link_record',
    async (req, reply) => {
      const { orgId } = callerOf(req);
      if (!isMessageId(req.params.messageId)) throw errors.invalidUrlPattern();
      return send(reply, unlink(req.params.id, queryParam(req, 'owner_id'), [req.params.messageId], orgId, true));
    },
  );
}
