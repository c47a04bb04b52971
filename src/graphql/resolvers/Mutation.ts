import type { MutationResolvers } from '../generated/resolvers-types.ts';
import { linkEmailsToDeal, moveEmailsToDeal, unlinkEmailsFromDeal } from '../../services/links.ts';
import { associateEmail } from '../../services/associate.ts';

export const Mutation: MutationResolvers = {
  linkEmailsToDeal: (_, { input }, ctx) => linkEmailsToDeal(ctx, input),
  unlinkEmailsFromDeal: (_, { input }, ctx) => unlinkEmailsFromDeal(ctx, input),
  moveEmailsToDeal: (_, { input }, ctx) => moveEmailsToDeal(ctx, input),
  associateEmail: (_, { input }, ctx) => associateEmail(ctx, input),
};
