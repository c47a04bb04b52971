import type { NodeResolvers } from '../generated/resolvers-types.ts';

export const Node: NodeResolvers = {
  // resolveNode tags what it found: a Contact and a Deal model have the same shape.
  __resolveType: (n) => n.__typename,
};
