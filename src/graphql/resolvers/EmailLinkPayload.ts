import type { EmailLinkPayloadResolvers } from '../generated/resolvers-types.ts';

type WithResults = { results: ReadonlyArray<{ status: 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' }> };

/** The counts every bulk payload carries, from its results. */
export const resultCounts = {
  totalCount: (p: WithResults) => p.results.length,
  succeededCount: (p: WithResults) => p.results.filter((r) => r.status === 'SUCCEEDED').length,
  failedCount: (p: WithResults) => p.results.filter((r) => r.status === 'FAILED').length,
  unknownCount: (p: WithResults) => p.results.filter((r) => r.status === 'UNKNOWN').length,
};

export const EmailLinkPayload: EmailLinkPayloadResolvers = { ...resultCounts };
