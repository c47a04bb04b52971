import type { MutationResolvers } from '../generated/resolvers-types.ts';
import {
  bareEmail,
  keepResults,
  linkEmailsToDeal,
  moveEmailsToDeal,
  revisitResults,
  unlinkEmailsFromDeal,
} from '../../services/links.ts';
import { associateEmail, revisitAssociate } from '../../services/associate.ts';
import { durably } from '../../services/operations.ts';
import { repairMove } from '../../services/recovery.ts';

/**
 * Each mutation runs as a durable operation (services/operations.ts): kept under its
 * idempotency key when it has one, journaled when it is a move. The per-email results of link,
 * unlink and move (`items`) are what the gateway's metrics count.
 */
export const Mutation: MutationResolvers = {
  linkEmailsToDeal: (_, { input }, ctx) =>
    durably(ctx, 'linkEmailsToDeal', input, {
      run: () => linkEmailsToDeal(ctx, input),
      revisit: (stored, at) => revisitResults(ctx, 'linkEmailsToDeal', input.dealId, stored, at),
      keep: keepResults,
      items: (p) => p.results,
    }),
  unlinkEmailsFromDeal: (_, { input }, ctx) =>
    durably(ctx, 'unlinkEmailsFromDeal', input, {
      run: () => unlinkEmailsFromDeal(ctx, input),
      revisit: (stored, at) => revisitResults(ctx, 'unlinkEmailsFromDeal', null, stored, at),
      keep: keepResults,
      items: (p) => p.results,
    }),
  moveEmailsToDeal: (_, { input }, ctx) =>
    durably(ctx, 'moveEmailsToDeal', input, {
      run: (journal) => moveEmailsToDeal(ctx, input, journal),
      revisit: (stored, at) => revisitResults(ctx, 'moveEmailsToDeal', input.dealId, stored, at),
      repair: (op) => repairMove(ctx, ctx.zoho, op),
      keep: keepResults,
      items: (p) => p.results,
    }),
  associateEmail: (_, { input }, ctx) =>
    durably(ctx, 'associateEmail', input, {
      run: () => associateEmail(ctx, input),
      revisit: (stored, at) => revisitAssociate(ctx, input, stored, at),
      keep: (p) => ({ ...p, email: bareEmail(p.email) }),
    }),
};
