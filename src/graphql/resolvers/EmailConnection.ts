import type { EmailConnectionResolvers } from '../generated/resolvers-types.ts';

export const EmailConnection: EmailConnectionResolvers = {
  nodes: (c) => c.edges.map((e) => e.node),
};
