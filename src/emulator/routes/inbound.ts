/**
 * `POST /__emulator/inbound` (CONTRACT.md): delivers a received email to a contact as a mailbox
 * sync would, applying deal prediction, and answers `{message_id, linked_record}` (plus the
 * prediction's `reason` and the eligibility `rule` it applied). An admin route: no token, not counted, not limited.
 *
 * Body: `{contactId, from?, subject?, content?, to?, ownerId?, time?, original_message_id?}`.
 * - `from` is an address string or `{user_name, email}`; by default the contact's own address.
 * - `ownerId` is the mailbox that receives it; by default the contact's owner.
 * - `time` is ISO 8601; by default now.
 * The contact's org is found from its id, so the route serves every org.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ContactRow } from '../store/index.ts';
import { dealLinkOf, emailIdByOriginal, insertNewEmail, predictForContact } from './associate.ts';
import type { EmulatorContext } from '../context.ts';
import { isZohoId } from '../domain/ids.ts';

const address = z.object({ user_name: z.string().optional(), email: z.string().min(3) });
const inboundSchema = z
  .object({
    contactId: z.string().refine(isZohoId, 'not a Zoho id'),
    from: z.union([z.string().min(3), address]).optional(),
    to: z.array(address).optional(),
    subject: z.string().max(500).optional(),
    content: z.string().max(32000).optional(),
    ownerId: z.string().refine(isZohoId, 'not a Zoho id').optional(),
    time: z
      .string()
      .refine((t) => !Number.isNaN(Date.parse(t)), 'not a date-time')
      .optional(),
    original_message_id: z.string().min(1).max(255).optional(),
  })
  .strict();

export function registerInboundRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.post('/__emulator/inbound', async (req, reply) => {
    const parsed = inboundSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply
        .code(400)
        .send({ error: `invalid inbound email: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() });
    }
    const body = parsed.data;
    const contact = store.db.prepare('SELECT * FROM contacts WHERE id = ?').get(body.contactId) as
      ContactRow | undefined;
    if (!contact) return reply.code(404).send({ error: `no contact ${body.contactId}` });
    const orgId = contact.org_id;
    const ownerId = body.ownerId ?? contact.owner_id;
    const owner = store.getUser(orgId, ownerId) as { full_name?: string; email?: string } | undefined;
    if (!owner) return reply.code(400).send({ error: `no user ${ownerId} in the contact's org` });

    const from =
      body.from === undefined
        ? { user_name: contact.full_name, email: contact.email ?? 'unknown@example.com' }
        : typeof body.from === 'string'
          ? { email: body.from }
          : body.from;
    const result = store.tx(() => {
      if (body.original_message_id !== undefined) {
        const existing = emailIdByOriginal(store, orgId, body.original_message_id);
        if (existing !== undefined) return { duplicate: existing } as const;
      }
      const rule = ctx.config.current.predictionEligible;
      const prediction = predictForContact(store, orgId, contact.id, rule);
      const messageId = insertNewEmail(store, {
        orgId,
        ownerId,
        sent: false,
        timeMs: body.time !== undefined ? Date.parse(body.time) : ctx.clock.now(),
        subject: body.subject ?? '(no subject)',
        content: body.content ?? `<div>${body.subject ?? ''}</div>`,
        mailFormat: 'html',
        from,
        to: body.to ?? [{ user_name: owner.full_name, email: owner.email ?? 'owner@example.com' }],
        cc: null,
        originalMessageId:
          body.original_message_id ??
          `<${ctx.clock.now().toString(36)}.${Math.random().toString(36).slice(2)}@inbound.emulator>`,
        linkedDealId: prediction.deal?.id ?? null,
        filedUnder: [{ module: 'Contacts', id: contact.id }],
      });
      return { messageId, dealId: prediction.deal?.id ?? null, reason: prediction.reason, rule } as const;
    });
    if ('duplicate' in result) {
      return reply
        .code(409)
        .send({ error: 'an email with this original_message_id exists', message_id: result.duplicate });
    }
    return {
      message_id: result.messageId,
      linked_record: dealLinkOf(store, orgId, result.dealId),
      reason: result.reason,
      rule: result.rule,
    };
  });
}
