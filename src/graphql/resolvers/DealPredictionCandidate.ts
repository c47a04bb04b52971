import type { DealPredictionCandidateResolvers } from '../generated/resolvers-types.ts';

export const DealPredictionCandidate: DealPredictionCandidateResolvers = {
  modifiedAt: (c) => c.modifiedTime,
};
