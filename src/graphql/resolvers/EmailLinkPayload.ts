import type { EmailLinkPayloadResolvers } from '../generated/resolvers-types.ts';

export const EmailLinkPayload: EmailLinkPayloadResolvers = {
  totalCount: (p) => p.results.length,
  succeededCount: (p) => p.results.filter((r) => r.status === 'SUCCEEDED').length,
  failedCount: (p) => p.results.filter((r) => r.status === 'FAILED').length,
};
