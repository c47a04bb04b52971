import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.ts';

export const SCHEMA_DIR = resolve(import.meta.dirname, '../../schema');

/** Relay's `Query.node` and `Query.nodes`: on unless a supergraph hosts them elsewhere. */
export const NODE_SCHEMA_FILE = 'node.graphql';

export interface SchemaOptions {
  /** `Query.node(id:)` and `nodes(ids:)` (GATEWAY_RELAY_NODE). Default: on. */
  relayNode?: boolean;
}

/** schema/*.graphql, one file per domain, in a stable order. */
export function loadTypeDefs(dir = SCHEMA_DIR, opts: SchemaOptions = {}): DocumentNode {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .filter((f) => opts.relayNode !== false || f !== NODE_SCHEMA_FILE)
    .sort();
  return parse(files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'));
}

export function buildGatewaySchema(opts: SchemaOptions = {}): GraphQLSchema {
  const { node: _node, nodes: _nodes, ...queryWithoutNode } = resolvers.Query ?? {};
  const map = opts.relayNode === false ? { ...resolvers, Query: queryWithoutNode } : resolvers;
  return buildSubgraphSchema([
    { typeDefs: loadTypeDefs(SCHEMA_DIR, opts), resolvers: map as unknown as GraphQLResolverMap<unknown> },
  ]);
}
