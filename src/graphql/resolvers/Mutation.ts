import type { MutationResolvers } from '../generated/resolvers-types.ts';
import { linkEmailsToDeal, unlinkEmailsFromDeal } from '../../services/links.ts';

export const Mutation: MutationResolvers = {
  linkEmailsToDeal: (_, { input }, ctx) => linkEmailsToDeal(ctx, input),
  unlinkEmailsFromDeal: (_, { input }, ctx) => unlinkEmailsFromDeal(ctx, input),
};
