import type { DealResolvers } from '../generated/resolvers-types.ts';
import type { DealModel } from '../models.ts';
import type { GatewayContext } from '../context.ts';
import type { ZohoDeal } from '../../wire/index.ts';
import { emailConnection } from '../../services/emails.ts';

/** The deal's record: already known, or loaded through the request's batched loader (100 per call). */
async function record(d: DealModel, { loaders }: GatewayContext): Promise<ZohoDeal | null> {
  return d.record ?? (await loaders.deals.load(d.id));
}

export const Deal: DealResolvers = {
  // 50 Deal references from another subgraph cost one Get Records call.
  __resolveReference: (ref) => ({ id: ref.id }),
  id: (d) => d.id,
  // An email's link carries the deal's name, so `linkedDeal { name }` costs nothing.
  name: async (d, _, ctx) =>
    d.name !== undefined && d.name !== null ? d.name : ((await record(d, ctx))?.Deal_Name ?? null),
  stage: async (d, _, ctx) => (await record(d, ctx))?.Stage ?? null,
  stageCategory: async (d, _, ctx) => {
    const stage = (await record(d, ctx))?.Stage;
    if (!stage) return null;
    return (await ctx.orgCache.stageCategories(ctx.zoho)).get(stage) ?? null;
  },
  amount: async (d, _, ctx) => (await record(d, ctx))?.Amount ?? null,
  closingDate: async (d, _, ctx) => (await record(d, ctx))?.Closing_Date ?? null,
  modifiedAt: async (d, _, ctx) => (await record(d, ctx))?.Modified_Time ?? null,
  owner: async (d, _, ctx) => {
    const o = (await record(d, ctx))?.Owner;
    return o?.id ? o : null;
  },
  contact: async (d, _, ctx) => {
    const c = (await record(d, ctx))?.Contact_Name;
    return c?.id ? { id: c.id } : null;
  },
  emails: async (d, args, ctx) => {
    const contactId = (await record(d, ctx))?.Contact_Name?.id ?? null;
    return emailConnection(ctx.loaders, { module: 'Deals', recordId: d.id }, contactId, {
      first: args.first,
      after: args.after,
    });
  },
};
