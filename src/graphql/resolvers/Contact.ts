import type { ContactResolvers } from '../generated/resolvers-types.ts';
import type { ContactModel } from '../models.ts';
import type { GatewayContext } from '../context.ts';
import type { ZohoContact } from '../../wire/index.ts';
import { emailConnection } from '../../services/emails.ts';
import { dealPrediction } from '../../services/prediction.ts';
import { MESSAGE_ID_RULE, isZohoMessageId } from '../../domain/ids.ts';
import { badInput } from '../errors.ts';
import { emailListType } from './enums.ts';

/** The contact's record: already known, or loaded through the request's batched loader. */
async function record(c: ContactModel, { loaders }: GatewayContext): Promise<ZohoContact | null> {
  return c.record ?? (await loaders.contacts.load(c.id));
}

export const Contact: ContactResolvers = {
  // Entity references from other subgraphs: fields load lazily, so 50 references cost one call.
  __resolveReference: (ref) => ({ id: ref.id }),
  id: (c) => c.id,
  firstName: async (c, _, ctx) => (await record(c, ctx))?.First_Name ?? null,
  lastName: async (c, _, ctx) => (await record(c, ctx))?.Last_Name ?? null,
  fullName: async (c, _, ctx) => {
    const r = await record(c, ctx);
    return r?.Full_Name ?? ([r?.First_Name, r?.Last_Name].filter(Boolean).join(' ') || null);
  },
  emailAddress: async (c, _, ctx) => (await record(c, ctx))?.Email ?? null,
  owner: async (c, _, ctx) => (await record(c, ctx))?.Owner ?? null,
  deals: async (c, _, { loaders }) => {
    const deals = await loaders.contactDeals.load(c.id);
    return deals.map((d) => {
      loaders.deals.prime(d.id, d);
      return { id: d.id, record: d };
    });
  },
  emails: (c, args, { loaders }) =>
    emailConnection(loaders, { module: 'Contacts', recordId: c.id }, c.id, {
      first: args.first,
      after: args.after,
      ...(args.type ? { type: emailListType(args.type) } : {}),
      filter: args.filter ?? null,
    }),
  email: async (c, { messageId }, { loaders }) => {
    if (!isZohoMessageId(messageId))
      throw badInput(`messageId is not a Zoho message id (${MESSAGE_ID_RULE}).`, { field: 'messageId' });
    const wire = await loaders.emailDetails.load({ module: 'Contacts', recordId: c.id, messageId });
    return wire ? { parent: { module: 'Contacts', recordId: c.id }, contactId: c.id, messageId, wire } : null;
  },
  dealPrediction: (c, _, ctx) => dealPrediction(ctx, c.id),
};
