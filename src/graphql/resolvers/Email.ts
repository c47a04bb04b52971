import type { EmailResolvers } from '../generated/resolvers-types.ts';
import type { EmailModel } from '../models.ts';
import type { GatewayContext } from '../context.ts';
import type { ZohoEmail, ZohoEmailDetail } from '../../wire/index.ts';
import { decodeEmailId, encodeEmailId } from '../../domain/ids.ts';
import { emailIntent, emailSentiment } from './enums.ts';

/** What Zoho listed for the email; when only its ids are known, its single view, read once per request. */
async function wire(e: EmailModel, { loaders }: GatewayContext): Promise<ZohoEmail | ZohoEmailDetail | null> {
  return e.wire ?? (await loaders.emailDetails.load({ ...e.parent, messageId: e.messageId }));
}

export const Email: EmailResolvers = {
  __resolveReference: (ref) => {
    const decoded = decodeEmailId(ref.id);
    if (!decoded) return null;
    const { messageId, ...parent } = decoded;
    return { parent, contactId: parent.module === 'Contacts' ? parent.recordId : null, messageId };
  },
  id: (e) => encodeEmailId(e.parent, e.messageId),
  messageId: (e) => e.messageId,
  contact: (e) => (e.contactId ? { id: e.contactId } : null),
  subject: async (e, _, ctx) => (await wire(e, ctx))?.subject ?? null,
  from: async (e, _, ctx) => (await wire(e, ctx))?.from ?? null,
  to: async (e, _, ctx) => (await wire(e, ctx))?.to ?? [],
  cc: async (e, _, ctx) => (await wire(e, ctx))?.cc ?? [],
  sentAt: async (e, _, ctx) => {
    const w = await wire(e, ctx);
    // The list has `time`; the single view has `sent_time` (docs/zoho-notes.md §8).
    return w?.time ?? (w as ZohoEmailDetail | null)?.sent_time ?? null;
  },
  direction: async (e, _, ctx) => ((await wire(e, ctx))?.sent ? 'SENT' : 'RECEIVED'),
  read: async (e, _, ctx) => (await wire(e, ctx))?.read ?? null,
  owner: async (e, _, ctx) => {
    const o = (await wire(e, ctx))?.owner;
    return o?.id ? o : null;
  },
  hasAttachment: async (e, _, ctx) => (await wire(e, ctx))?.has_attachment ?? null,
  summary: async (e, _, ctx) => (await wire(e, ctx))?.summary ?? null,
  intent: async (e, _, ctx) => emailIntent((await wire(e, ctx))?.intent),
  sentiment: async (e, _, ctx) => emailSentiment((await wire(e, ctx))?.sentiment_info),
  emotion: async (e, _, ctx) => (await wire(e, ctx))?.emotion ?? null,
  content: async (e, _, { loaders }) => {
    if (e.wire && 'content' in e.wire && typeof e.wire.content === 'string') return e.wire.content;
    const detail = await loaders.emailDetails.load({ ...e.parent, messageId: e.messageId });
    return detail?.content ?? null;
  },
  linkedDeal: async (e, _, ctx) => {
    if (e.linkedDeal !== undefined) return e.linkedDeal;
    const link = (await wire(e, ctx))?.linked_record;
    return link?.id ? { id: link.id, name: link.name ?? null } : null;
  },
};
